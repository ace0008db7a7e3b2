//! A small element tree over quick-xml, for checking XML documents.

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

#[derive(Debug, Default, Clone)]
pub struct Element {
    /// The qualified name, as written (`news:title`).
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The children named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The only child named `name`.
    pub fn one<'a>(&'a self, name: &'a str) -> &'a Element {
        let found: Vec<&Element> = self.all(name).collect();
        assert_eq!(found.len(), 1, "expected one <{name}> in <{}>", self.name);
        found[0]
    }

    /// The text of the only child named `name`.
    pub fn text_of<'a>(&'a self, name: &'a str) -> &'a str {
        &self.one(name).text
    }
}

/// Parses a whole document, failing the test on malformed XML.
pub fn parse(bytes: &[u8]) -> Element {
    let text = std::str::from_utf8(bytes).expect("XML is UTF-8");
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("malformed XML ({e}): {text}"))
        {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let el = element(&e);
                stack.last_mut().unwrap().children.push(el);
            }
            Event::End(_) => {
                let mut done = stack.pop().unwrap();
                if !done.children.is_empty() {
                    // Only indentation between child elements.
                    done.text = done.text.trim().to_owned();
                }
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.decode().unwrap()),
            Event::CData(t) => stack.last_mut().unwrap().text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().unwrap();
                        quick_xml::escape::unescape(&format!("&{name};"))
                            .unwrap()
                            .into_owned()
                    }
                };
                stack.last_mut().unwrap().text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.pop().unwrap()
}

fn element(e: &quick_xml::events::BytesStart) -> Element {
    Element {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.normalized_value(XmlVersion::Implicit1_0).unwrap().into_owned(),
                )
            })
            .collect(),
        ..Default::default()
    }
}
