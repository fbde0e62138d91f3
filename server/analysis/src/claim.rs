//! Claims: spans that state a figure about a subject (spec section 4).

use crate::byte_range::ByteRange;
use crate::date::Period;
use crate::figure::Figure;
use crate::id::Id;

/// An id as written in an attribute, without its `@`.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct IdAt {
    pub id: Id,
    pub range: ByteRange,
}

/// Boxed strings and slices, not `String`s and `Vec`s, and what few
/// claims have in a box of its own: a workspace holds every claim, and the
/// claims were the biggest part of its facts (232 bytes each before, 160
/// now).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Claim {
    /// The whole span, `[` to `}`.
    pub range: ByteRange,
    /// The bracketed text: where claim diagnostics point.
    pub text_range: ByteRange,
    /// The text as a reader sees it.
    pub text: Box<str>,
    /// `claim=SUBJECT`
    pub subject: IdAt,
    /// `src=`: who asserts the figure.
    pub sources: Box<[IdAt]>,
    /// The figure read from `value=` or the text; `None` when none can be
    /// read (a `bad-value` problem says why).
    pub figure: Option<Figure>,
    /// `date=`, else the document header's date.
    pub date: Option<Period>,
    /// `None` when every detail is empty, as for most claims.
    pub(crate) details: Option<Box<ClaimDetails>>,
}

/// The attributes of a claim that most claims do not have.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Default, PartialEq)]
pub struct ClaimDetails {
    /// `via=`: where it was reported.
    pub via: Box<[IdAt]>,
    /// Whether the figure comes from `value=`.
    pub explicit_value: bool,
    /// `unit=`, else a currency read from the text. The subject's unit is
    /// applied by the index.
    pub unit: Option<Box<str>>,
    /// `cred=`: credibility of the information, 1-6.
    pub cred: Option<u8>,
    pub note: Option<Box<str>>,
    /// Keys Gloss does not know, kept for hover.
    pub other: Box<[(Box<str>, Box<str>)]>,
}

impl ClaimDetails {
    /// In a box, or none when every detail is empty.
    pub(crate) fn boxed(self) -> Option<Box<ClaimDetails>> {
        (self != ClaimDetails::default()).then(|| Box::new(self))
    }
}

impl Claim {
    /// Whether anyone is named for the figure.
    pub fn is_sourced(&self) -> bool {
        !self.sources.is_empty() || !self.via().is_empty()
    }

    /// `via=`: where it was reported.
    pub fn via(&self) -> &[IdAt] {
        self.details.as_ref().map_or(&[], |d| &d.via)
    }

    /// `src=` then `via=`: everyone named for the figure.
    pub fn named(&self) -> impl Iterator<Item = &IdAt> {
        self.sources.iter().chain(self.via())
    }

    /// Every id named for the figure, to be moved (an edit before them).
    pub(crate) fn named_mut(&mut self) -> impl Iterator<Item = &mut IdAt> {
        let via = self.details.as_mut().map_or(&mut [][..], |d| &mut d.via[..]);
        self.sources.iter_mut().chain(via)
    }

    /// Whether the figure comes from `value=`.
    pub fn explicit_value(&self) -> bool {
        self.details.as_ref().is_some_and(|d| d.explicit_value)
    }

    /// `unit=`, else a currency read from the text (the subject's unit
    /// aside: the index applies it).
    pub fn unit(&self) -> Option<&str> {
        self.details.as_ref()?.unit.as_deref()
    }

    /// `cred=`: credibility of the information, 1-6.
    pub fn cred(&self) -> Option<u8> {
        self.details.as_ref()?.cred
    }

    /// `note=`
    pub fn note(&self) -> Option<&str> {
        self.details.as_ref()?.note.as_deref()
    }

    /// Keys Gloss does not know, kept for hover.
    pub fn other(&self) -> &[(Box<str>, Box<str>)] {
        self.details.as_ref().map_or(&[], |d| &d.other)
    }
}

#[cfg(test)]
mod tests {
    use gloss_syntax::Markup;

    use crate::document::read_document;

    fn claims(text: &str) -> Vec<super::Claim> {
        read_document(text, &Markup::parse(text)).claims
    }

    #[test]
    fn a_claim_with_a_subject_and_sources_only_has_no_details() {
        let c = &claims("[10,000 soldiers]{claim=nk-troops src=@ua-intel}")[0];
        assert!(c.details.is_none());
        assert!(c.via().is_empty() && c.unit().is_none() && c.cred().is_none() && c.note().is_none() && c.other().is_empty());
        assert!(!c.explicit_value() && c.is_sourced());
    }

    #[test]
    fn details_are_read_into_their_box() {
        let c = &claims("[ten thousand]{claim=nk-troops via=@reuters value=10000 unit=soldiers cred=2 note=\"see p. 3\" page=4}")[0];
        let via: Vec<&str> = c.via().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(via, ["reuters"]);
        assert_eq!(c.named().count(), 1);
        assert!(c.explicit_value() && c.is_sourced());
        assert_eq!((c.unit(), c.cred(), c.note()), (Some("soldiers"), Some(2), Some("see p. 3")));
        assert_eq!(c.other(), &[("page".into(), "4".into())]);
    }

    /// A workspace holds every claim: what most do not have is boxed.
    #[test]
    fn a_claim_takes_160_bytes() {
        assert_eq!(std::mem::size_of::<super::Claim>(), 160);
    }

    #[test]
    fn a_currency_read_from_the_text_is_the_claims_unit() {
        let c = &claims("[$5 billion]{claim=aid src=@kiel}")[0];
        assert_eq!(c.unit(), Some("USD"));
    }
}
