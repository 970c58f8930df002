//! The scheme's documents: a template the scheme can edit, filled from the
//! store's facts, becomes a `Doc` of plain blocks that the Markdown and PDF
//! writers both draw. Values are put in after the template's structure is
//! read, so a name can never turn into a heading or a page break.

use std::collections::BTreeMap;
use std::fmt;

/// Who the scheme is, as its documents say it (the config's `[scheme]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SchemeInfo {
    pub name: String,
    /// Where to write to: the scheme's postal address.
    pub address: String,
    /// Who answers questions about personal data (the data protection contact).
    pub contact: String,
    /// How a person may appeal a notice served on them.
    pub appeal: String,
    /// Who signs the scheme's notices and letters, and their role.
    pub signatory: String,
    pub signatory_role: String,
}

/// The scheme's details as its set-up screen keeps them in the store; an
/// empty field leaves the config's (or the built-in) value in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemeDetails {
    pub name: String,
    pub address: String,
    pub contact: String,
    pub signatory: String,
    pub signatory_role: String,
}

impl SchemeDetails {
    /// The fields in the order the set-up screen shows them: (label, value, longest).
    pub fn fields(&self) -> [(&'static str, &str, usize); 5] {
        [
            ("name", &self.name, 100),
            ("address", &self.address, 200),
            ("contact", &self.contact, 200),
            ("signatory", &self.signatory, 60),
            ("signatory role", &self.signatory_role, 60),
        ]
    }

    /// Tidy each field to one line and check its length.
    pub fn validate(mut self) -> Result<SchemeDetails, String> {
        for f in [
            &mut self.name,
            &mut self.address,
            &mut self.contact,
            &mut self.signatory,
            &mut self.signatory_role,
        ] {
            *f = flat(f);
        }
        for (label, value, most) in self.fields() {
            if value.chars().count() > most {
                return Err(format!("the scheme's {label} is at most {most} characters"));
            }
        }
        Ok(self)
    }
}

impl SchemeInfo {
    /// The config's details with the set-up screen's laid over them.
    pub fn with(mut self, d: &SchemeDetails) -> SchemeInfo {
        for (from, to) in [
            (&d.name, &mut self.name),
            (&d.address, &mut self.address),
            (&d.contact, &mut self.contact),
            (&d.signatory, &mut self.signatory),
            (&d.signatory_role, &mut self.signatory_role),
        ] {
            if !from.is_empty() {
                *to = from.clone();
            }
        }
        self
    }
}

impl Default for SchemeInfo {
    fn default() -> Self {
        SchemeInfo {
            name: "Business Crime Reduction Partnership".into(),
            address: String::new(),
            contact: "the scheme manager".into(),
            appeal: "You may appeal against this notice in writing to the scheme manager within 21 days of the date it was served. Your appeal will be heard by members of the partnership who did not take this decision, and you will be told the outcome in writing.".into(),
            signatory: String::new(),
            signatory_role: "Scheme manager".into(),
        }
    }
}

impl SchemeInfo {
    pub fn validate(&mut self) -> Result<(), String> {
        for f in [
            &mut self.name,
            &mut self.address,
            &mut self.contact,
            &mut self.appeal,
            &mut self.signatory,
            &mut self.signatory_role,
        ] {
            *f = flat(f);
        }
        if self.name.is_empty() {
            return Err("[scheme] name must not be empty".into());
        }
        if self.appeal.is_empty() {
            return Err("[scheme] appeal must say how a person may appeal".into());
        }
        Ok(())
    }

    /// What a document will lack, said before it is printed.
    pub fn gaps(&self) -> Vec<String> {
        let mut out = vec![];
        if self.address.is_empty() {
            out.push("the scheme's address is not set ([scheme] address in the config): the document gives none to write to".into());
        }
        out
    }
}

/// What the members' bulletin may show (the config's `[bulletin]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BulletinRules {
    /// Print an excluded person's date of birth (off unless the scheme decides).
    pub show_dates_of_birth: bool,
    /// Print an excluded person's address (off unless the scheme decides).
    pub show_addresses: bool,
    /// How many days members may keep a bulletin before destroying it.
    pub keep_days: u32,
}

impl Default for BulletinRules {
    fn default() -> Self {
        BulletinRules {
            show_dates_of_birth: false,
            show_addresses: false,
            keep_days: 7,
        }
    }
}

/// A document made from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    WarningLetter,
    ExclusionNotice,
    MemberAgreement,
    PrivacyNotice,
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [
        DocKind::WarningLetter,
        DocKind::ExclusionNotice,
        DocKind::MemberAgreement,
        DocKind::PrivacyNotice,
    ];

    /// The name on the command line, in the audit trail and of the template file.
    pub fn code(self) -> &'static str {
        match self {
            DocKind::WarningLetter => "warning-letter",
            DocKind::ExclusionNotice => "exclusion-notice",
            DocKind::MemberAgreement => "member-agreement",
            DocKind::PrivacyNotice => "privacy-notice",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocKind::WarningLetter => "warning letter",
            DocKind::ExclusionNotice => "exclusion notice",
            DocKind::MemberAgreement => "member agreement",
            DocKind::PrivacyNotice => "privacy notice",
        }
    }

    pub fn from_code(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// One block of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `# ` in a template: the document's title.
    Title(String),
    /// `## `: a section heading.
    Heading(String),
    /// `### `: a heading within a section.
    Subheading(String),
    Para(String),
    /// Lines set one under another with no space between (an address).
    Lines(Vec<String>),
    /// `- `: one item of a list.
    Bullet(String),
    /// `> `: small print.
    Small(String),
    /// A photo of the person, or a box saying there is none on file.
    Photo {
        path: Option<String>,
        caption: String,
    },
    /// `---`: what follows goes on a new page (the back of a notice).
    PageBreak,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

impl Doc {
    /// The first title, for the PDF's metadata.
    pub fn title(&self) -> &str {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Title(t) => Some(t.as_str()),
                _ => None,
            })
            .unwrap_or("")
    }

    /// Pages as the template marks them (the PDF may need more for long text).
    pub fn marked_pages(&self) -> usize {
        1 + self
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::PageBreak))
            .count()
    }
}

/// What a placeholder is filled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// On a line of its own it becomes a list; inside text, joined with commas.
    List(Vec<String>),
    /// Only on a line of its own: the person's photo (None: none on file).
    Photo(Option<String>),
    /// On a line of its own, lines one under another (an address block;
    /// none: nothing); inside text, joined with commas.
    Lines(Vec<String>),
}

pub type Values = BTreeMap<&'static str, Value>;

/// Why a template could not be filled: always with the line to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TemplateError {}

/// Text from the store on its way into a document: no control characters,
/// no line breaks, runs of space folded.
fn flat(s: &str) -> String {
    crate::domain::text::tidy_input(s)
}

fn known_list(values: &Values) -> String {
    values
        .keys()
        .map(|k| format!("{{{{{k}}}}}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Put values into one line of template text.
fn substitute(text: &str, line: usize, values: &Values) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| TemplateError {
            line,
            message: "a placeholder opened with {{ is not closed with }}".into(),
        })?;
        let name = after[..close].trim();
        match values.get(name) {
            Some(Value::Text(t)) => out.push_str(&flat(t)),
            Some(Value::List(items)) | Some(Value::Lines(items)) => {
                out.push_str(&items.iter().map(|i| flat(i)).collect::<Vec<_>>().join(", "))
            }
            Some(Value::Photo(_)) => {
                return Err(TemplateError {
                    line,
                    message: format!("{{{{{name}}}}} must be on a line of its own"),
                })
            }
            None => {
                return Err(TemplateError {
                    line,
                    message: format!(
                        "unknown placeholder {{{{{name}}}}}; this document knows {}",
                        known_list(values)
                    ),
                })
            }
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A line that is one placeholder and nothing else.
fn lone_placeholder(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}")).then(|| inner.trim())
}

/// Fill a template. Its structure is read from the template's own lines:
/// `# ` title, `## ` heading, `- ` list item, `> ` small print, `---` new
/// page, blank line between paragraphs; `{{name}}` anywhere, and a list or
/// photo placeholder on a line of its own.
pub fn fill(template: &str, values: &Values) -> Result<Doc, TemplateError> {
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    fn end_para(para: &mut Vec<String>, blocks: &mut Vec<Block>) {
        if !para.is_empty() {
            blocks.push(Block::Para(para.join(" ")));
            para.clear();
        }
    }
    for (i, raw) in template.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            end_para(&mut para, &mut blocks);
            continue;
        }
        if trimmed == "---" {
            end_para(&mut para, &mut blocks);
            blocks.push(Block::PageBreak);
            continue;
        }
        if let Some(name) = lone_placeholder(trimmed) {
            match values.get(name) {
                Some(Value::List(items)) => {
                    end_para(&mut para, &mut blocks);
                    blocks.extend(items.iter().map(|i| Block::Bullet(flat(i))));
                    continue;
                }
                Some(Value::Lines(lines)) => {
                    end_para(&mut para, &mut blocks);
                    if !lines.is_empty() {
                        blocks.push(Block::Lines(lines.iter().map(|l| flat(l)).collect()));
                    }
                    continue;
                }
                Some(Value::Photo(path)) => {
                    end_para(&mut para, &mut blocks);
                    blocks.push(Block::Photo {
                        path: path.clone(),
                        caption: values
                            .get("name")
                            .and_then(|v| match v {
                                Value::Text(t) => Some(flat(t)),
                                _ => None,
                            })
                            .unwrap_or_default(),
                    });
                    continue;
                }
                // text placeholders alone on a line are ordinary text
                _ => {}
            }
        }
        let prefixed = |p: &str| trimmed.strip_prefix(p).map(str::trim);
        if let Some(t) = prefixed("### ") {
            end_para(&mut para, &mut blocks);
            blocks.push(Block::Subheading(substitute(t, line, values)?));
        } else if let Some(t) = prefixed("## ") {
            end_para(&mut para, &mut blocks);
            blocks.push(Block::Heading(substitute(t, line, values)?));
        } else if let Some(t) = prefixed("# ") {
            end_para(&mut para, &mut blocks);
            blocks.push(Block::Title(substitute(t, line, values)?));
        } else if let Some(t) = prefixed("- ") {
            end_para(&mut para, &mut blocks);
            blocks.push(Block::Bullet(substitute(t, line, values)?));
        } else if let Some(t) = prefixed(">") {
            end_para(&mut para, &mut blocks);
            let text = substitute(t, line, values)?;
            // consecutive small-print lines are one paragraph
            match blocks.last_mut() {
                Some(Block::Small(prev)) if !text.is_empty() => {
                    prev.push(' ');
                    prev.push_str(&text);
                }
                _ if text.is_empty() => {}
                _ => blocks.push(Block::Small(text)),
            }
        } else {
            // a line whose placeholders are all empty (a copy's note on an
            // original) leaves no empty paragraph
            let text = substitute(trimmed, line, values)?;
            if !text.trim().is_empty() {
                para.push(text);
            }
        }
    }
    end_para(&mut para, &mut blocks);
    Ok(Doc { blocks })
}

/// Markdown-significant characters in text that came from a template or the
/// store, so a name with `*` or `<` is printed as it is.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let at_start = i == 0;
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|')
            || (at_start && matches!(c, '#' | '-' | '+' | '='))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The document as Markdown.
pub fn to_markdown(doc: &Doc) -> String {
    let mut out = String::new();
    let mut last_bullet = false;
    for b in &doc.blocks {
        let bullet = matches!(b, Block::Bullet(_));
        // items of one list stay together; every other block is a paragraph
        if !(out.is_empty() || bullet && last_bullet) {
            out.push('\n');
        }
        match b {
            Block::Title(t) => out.push_str(&format!("# {}\n", md_escape(t))),
            Block::Heading(t) => out.push_str(&format!("## {}\n", md_escape(t))),
            Block::Subheading(t) => out.push_str(&format!("### {}\n", md_escape(t))),
            Block::Para(t) => out.push_str(&format!("{}\n", md_escape(t))),
            // a hard line break (two spaces) after each but the last
            Block::Lines(lines) => out.push_str(&format!(
                "{}\n",
                lines
                    .iter()
                    .map(|l| md_escape(l))
                    .collect::<Vec<_>>()
                    .join("  \n")
            )),
            Block::Bullet(t) => out.push_str(&format!("- {}\n", md_escape(t))),
            Block::Small(t) => out.push_str(&format!("<small>{}</small>\n", md_escape(t))),
            // the photo's path is the control room's, not the reader's: it is in the PDF
            Block::Photo { path, caption } => match path {
                Some(_) => out.push_str(&format!(
                    "*(Photo of {}: in the PDF.)*\n",
                    md_escape(caption)
                )),
                None => out.push_str("*(No photo on file.)*\n"),
            },
            Block::PageBreak => out.push_str("---\n"),
        }
        last_bullet = bullet;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        let mut v = Values::new();
        v.insert("name", Value::Text("Jay \x1b[31mRed".into()));
        v.insert(
            "zones",
            Value::List(vec!["High Street".into(), "Market".into()]),
        );
        v.insert("photo", Value::Photo(None));
        v
    }

    #[test]
    fn a_template_becomes_blocks_with_values_filled_in() {
        let t = "# Notice to {{name}}\n\nYou may not enter:\n{{zones}}\n\n{{photo}}\nline one\nline two\n---\n> small\n> print {{zones}}\n";
        let doc = fill(t, &values()).unwrap();
        assert_eq!(
            doc.blocks,
            vec![
                Block::Title("Notice to Jay [31mRed".into()),
                Block::Para("You may not enter:".into()),
                Block::Bullet("High Street".into()),
                Block::Bullet("Market".into()),
                Block::Photo {
                    path: None,
                    caption: "Jay [31mRed".into()
                },
                Block::Para("line one line two".into()),
                Block::PageBreak,
                Block::Small("small print High Street, Market".into()),
            ]
        );
        assert_eq!(doc.marked_pages(), 2);
        assert_eq!(doc.title(), "Notice to Jay [31mRed");
    }

    #[test]
    fn an_unknown_placeholder_is_named_with_its_line() {
        let e = fill("# Title\n\nDear {{nmae}},\n", &values()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("{{nmae}}"), "{e}");
        assert!(
            e.message.contains("{{name}}"),
            "the known ones are listed: {e}"
        );
        let e = fill("ok\nDear {{name,\n", &values()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("not closed"));
        let e = fill("Photo: {{photo}}\n", &values()).unwrap_err();
        assert!(e.message.contains("line of its own"));
    }

    #[test]
    fn a_value_cannot_change_the_structure_or_the_markdown() {
        let mut v = Values::new();
        v.insert("name", Value::Text("# ---\n- *x* <script>".into()));
        let doc = fill("{{name}}\n", &v).unwrap();
        assert_eq!(doc.blocks, vec![Block::Para("# --- - *x* <script>".into())]);
        let md = to_markdown(&doc);
        assert_eq!(md, "\\# --- - \\*x\\* \\<script\\>\n");
    }
}
