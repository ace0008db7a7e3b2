//! Text normalisation for search, shared by the index and the queries.
//!
//! The same steps run on an article's text when it is indexed and on a
//! reader's query when it is parsed, so that whatever the reader types
//! meets the stored terms:
//!
//! 1. **Split** into words: runs of letters and digits. Everything else
//!    separates words, the typewriter (') and typographic (’) apostrophes and
//!    hyphens included ("l’OIM" → "l", "OIM"; "Jean-Pierre" → "Jean", "Pierre").
//! 2. **Lowercase and fold accents**: "Ministère" → "ministere", "œuvre" →
//!    "oeuvre"; combining marks (tones written over a vowel) are dropped. The
//!    Bambara letters ɛ, ɔ, ɲ and ŋ are letters of their own and are kept as
//!    they are (lowercased: "Ɛ" → "ɛ"), so "sɔrɔ" finds "sɔrɔ".
//! 3. **Drop French elisions**: a word among l, d, j, m, n, s, t, c, qu,
//!    jusqu, lorsqu, puisqu… directly followed by an apostrophe.
//! 4. **Drop stop words**: one small French and English list, applied to every
//!    language alike (a query does not say its language).
//! 5. **Stem** with the Snowball stemmer of the article's language (French or
//!    English; other languages are not stemmed): "conventions" → "convent".
//!    Stemming runs after folding, so "ministere" and "ministère" stem alike.

use std::cell::RefCell;
use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

/// How words of a text are reduced to index terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stemming {
    French,
    English,
    /// Languages without a stemmer here: words are only folded.
    None,
}

impl Stemming {
    /// Every mode, in the order queries are compiled.
    pub const ALL: [Stemming; 3] = [Stemming::French, Stemming::English, Stemming::None];

    /// The mode for a BCP 47 language tag: its primary subtag decides.
    pub fn for_language(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("fr") {
            Stemming::French
        } else if primary.eq_ignore_ascii_case("en") {
            Stemming::English
        } else {
            Stemming::None
        }
    }

    /// The value stored in the index's `lang` column.
    pub fn code(self) -> &'static str {
        match self {
            Stemming::French => "fr",
            Stemming::English => "en",
            Stemming::None => "none",
        }
    }

    /// The index term of a folded word.
    pub fn stem(self, folded: &str) -> String {
        let (algorithm, slot) = match self {
            Stemming::French => (Algorithm::French, 0),
            Stemming::English => (Algorithm::English, 1),
            Stemming::None => return folded.to_owned(),
        };
        STEMS.with_borrow_mut(|stems| {
            let known = &mut stems[slot];
            if let Some(stem) = known.get(folded) {
                return stem.clone();
            }
            let stemmed = Stemmer::create(algorithm).stem(folded);
            let stem = if stemmed.is_empty() {
                folded.to_owned()
            } else {
                stemmed.into_owned()
            };
            if known.len() >= STEMS_KEPT {
                known.clear();
            }
            known.insert(folded.to_owned(), stem.clone());
            stem
        })
    }
}

thread_local! {
    /// Stems already computed on this thread, per stemmer: an article repeats
    /// its words and a newsroom's vocabulary is small next to its output, so
    /// most words are stemmed once.
    static STEMS: RefCell<[HashMap<String, String>; 2]> = RefCell::default();
}

/// Stems remembered per thread and stemmer before starting afresh.
const STEMS_KEPT: usize = 50_000;

/// A word of a text: where it is, and its folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the text the word was read from.
    pub start: usize,
    pub end: usize,
    /// Lowercased, accents folded; not yet stemmed.
    pub folded: String,
}

/// Words a French elision leaves before an apostrophe ("l’", "qu’"…).
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
];

/// Words too common to search for, folded. French and English, applied to
/// every text alike. "est" (east), "or" (gold) and "an" (year) are kept on purpose.
const STOP_WORDS: &[&str] = &[
    // French
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "elles", "en",
    "et", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "mais", "ne", "nous", "on", "ou",
    "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sont", "sur", "ta", "te", "tu",
    "un", "une", "vous", "y", // English
    "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has", "have", "he", "her", "his",
    "i", "in", "is", "it", "its", "of", "on", "she", "that", "the", "their", "they", "this", "to", "was",
    "we", "were", "with",
];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘')
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.contains(&folded)
}

/// Lowercases `word` and folds its accents.
pub fn fold(word: &str) -> String {
    // Most words of French text are plain ASCII: nothing to fold but case.
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ğ' => 'g',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ť' | 'ţ' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            'œ' => {
                out.push_str("oe");
                continue;
            }
            'æ' => {
                out.push_str("ae");
                continue;
            }
            'ß' => {
                out.push_str("ss");
                continue;
            }
            c if is_combining(c) => continue,
            c => c,
        };
        out.push(folded);
    }
    out
}

/// The searchable words of `text`, in order: elisions and stop words left out.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_word_char(c) || is_combining(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if !is_word_char(next) {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        let folded = fold(&text[start..end]);
        let elided =
            text[end..].chars().next().is_some_and(is_apostrophe) && ELISIONS.contains(&folded.as_str());
        if folded.is_empty() || elided || is_stop_word(&folded) {
            continue;
        }
        out.push(Word { start, end, folded });
    }
    out
}

/// The index terms of `text` under `stemming`, in order.
pub fn terms(text: &str, stemming: Stemming) -> Vec<String> {
    words(text)
        .into_iter()
        .map(|w| stemming.stem(&w.folded))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.folded).collect()
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(
            folded("Ministère ÉTABLIS À Ségou"),
            ["ministere", "etablis", "segou"]
        );
        assert_eq!(fold("Œuvre"), "oeuvre");
        // A combining acute accent goes too.
        assert_eq!(fold("e\u{301}te\u{301}"), "ete");
    }

    #[test]
    fn both_apostrophes_separate_and_elisions_go() {
        assert_eq!(folded("l’OIM"), ["oim"]);
        assert_eq!(folded("l'OIM"), ["oim"]);
        assert_eq!(folded("d’épargne qu’il jusqu’à"), ["epargne"]);
        assert_eq!(folded("aujourd’hui"), ["aujourd", "hui"]);
        // A lone letter that is no elision stays: "vitamine C".
        assert_eq!(folded("vitamine C"), ["vitamine", "c"]);
    }

    #[test]
    fn stop_words_go_in_both_languages() {
        assert_eq!(
            folded("Le ministère de la Santé et les migrants"),
            ["ministere", "sante", "migrants"]
        );
        assert_eq!(folded("The state of the union"), ["state", "union"]);
        // Gold and east are news words.
        assert_eq!(folded("or Est"), ["or", "est"]);
    }

    #[test]
    fn stems_per_language() {
        let fr = Stemming::French;
        assert_eq!(fr.stem("conventions"), fr.stem("convention"));
        assert_eq!(fr.stem("migrants"), fr.stem("migrant"));
        assert_eq!(fr.stem(&fold("ministère")), fr.stem("ministere"));
        let en = Stemming::English;
        assert_eq!(en.stem("agreements"), en.stem("agreement"));
        assert_eq!(en.stem("running"), "run");
        assert_eq!(Stemming::None.stem("conventions"), "conventions");
        assert_eq!(
            terms("Les conventions signées", fr),
            terms("la convention signée", fr)
        );
    }

    #[test]
    fn languages_pick_their_stemmer() {
        assert_eq!(Stemming::for_language("fr"), Stemming::French);
        assert_eq!(Stemming::for_language("fr-ML"), Stemming::French);
        assert_eq!(Stemming::for_language("EN-gb"), Stemming::English);
        assert_eq!(Stemming::for_language("bm"), Stemming::None);
    }

    #[test]
    fn bambara_letters_stay_searchable() {
        assert_eq!(folded("Ɛɛ sɔrɔ ɲɔgɔn ŋaniya"), ["ɛɛ", "sɔrɔ", "ɲɔgɔn", "ŋaniya"]);
        // A tone mark over ɛ is dropped; the letter stays.
        assert_eq!(fold("bɛ\u{301}"), "bɛ");
        for stemming in Stemming::ALL {
            assert_eq!(terms("ɲɔgɔn", stemming), terms("Ɲɔgɔn", stemming));
            assert!(!terms("ɲɔgɔn", stemming)[0].is_empty());
        }
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Selon l’OIM, «migrants»";
        let found = words(text);
        assert_eq!(&text[found[0].start..found[0].end], "Selon");
        assert_eq!(&text[found[1].start..found[1].end], "OIM");
        assert_eq!(&text[found[2].start..found[2].end], "migrants");
    }
}
