//! Reading figures from a claim's text (spec section 4.1). Being written.
