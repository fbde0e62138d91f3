; Spans that run over several lines fold.
(span) @fold
