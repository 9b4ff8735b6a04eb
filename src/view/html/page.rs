//! The one page shell of the three HTML reports: doctype, head with the
//! title and the one stylesheet (`style.css`, inlined), the body, the
//! footer, the charts section and `data:` URIs. Markup is built with maud,
//! which escapes every interpolated text by default (the one hand-built
//! tag is an inlined SVG's root, see [`inline_svg`]). No scripts, no
//! network: a page loads nothing.

use crate::view::registry::{self, ChartId};
use crate::view::theme::Rendered;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::fmt::Write;

/// The stylesheet of every report page.
pub const STYLE: &str = include_str!("style.css");

/// Which report a page is (the class of its `<body>`, see `style.css`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    Run,
    Study,
    Compare,
}

impl PageKind {
    fn class(self) -> &'static str {
        match self {
            PageKind::Run => "run",
            PageKind::Study => "study",
            PageKind::Compare => "compare",
        }
    }
}

/// A whole page: `title` (plain text), and `body` (markup).
pub fn page(kind: PageKind, title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body class=(kind.class()) { (body) }
        }
    }
    .into_string()
}

/// A page's table of contents: one link per `(anchor, title)`.
pub fn contents(items: &[(&str, &str)]) -> Markup {
    html! {
        nav aria-label="Contents" {
            h2 { "Contents" }
            ol {
                @for (anchor, title) in items {
                    li { a href={ "#" (anchor) } { (title) } }
                }
            }
        }
    }
}

/// The footer of a page made from `source` (`the study's runs`) alone.
pub fn footer(source: &str) -> Markup {
    html! {
        footer {
            p.note {
                "Made by chipban " (crate::VERSION) " (build " (crate::BUILD) ") from " (source)
                " alone. This page loads nothing from the network."
            }
        }
    }
}

/// Text escaped for an attribute value (maud's escaping).
fn esc(s: &str) -> String {
    html! { (s) }.into_string()
}

/// A `data:` URI of `bytes` with the given MIME type (standard base64).
pub fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", STANDARD.encode(bytes))
}

/// An SVG document as markup to inline in HTML: anything before `<svg`
/// (XML declaration, doctype, comments) is dropped, as are the `xmlns`
/// attributes (the HTML parser puts `<svg>` in the SVG namespace itself, and
/// the page must not name any URL); the root gets a class and an accessible
/// label. `None` if the text holds no `<svg` element.
pub fn inline_svg(svg: &str, label: &str) -> Option<String> {
    let start = svg.find("<svg")?;
    let body = &svg[start..];
    let open_end = body.find('>')?;
    let (open, rest) = body.split_at(open_end);
    let mut tag = String::from("<svg");
    let mut attrs = &open[4..];
    // attributes are name="value" pairs (plotters writes double quotes)
    while let Some(eq) = attrs.find('=') {
        let name = attrs[..eq].trim();
        let after = &attrs[eq + 1..];
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
        let Some(q) = quote else { break };
        let Some(close) = after[1..].find(q) else { break };
        let value = &after[1..1 + close];
        attrs = &after[close + 2..];
        if name == "xmlns" || name.starts_with("xmlns:") || name == "role" || name == "aria-label" {
            continue;
        }
        let _ = write!(tag, " {name}={q}{value}{q}");
    }
    let self_closing = open.trim_end().ends_with('/');
    let _ = write!(tag, " class=\"chart\" role=\"img\" aria-label=\"{}\"", esc(label));
    if self_closing {
        tag.push('/');
    }
    let end = rest.rfind("</svg>").map(|i| i + "</svg>".len()).unwrap_or(rest.len());
    Some(format!("{tag}{}", &rest[..end]))
}

/// The charts section of a page: one figure per chart (inline SVG, else the
/// PNG), headed by its registry title and captioned by `caption` of its
/// id; nothing when there are no charts.
pub fn figures(charts: &[Rendered], caption: impl Fn(ChartId) -> Markup) -> Markup {
    if charts.is_empty() {
        return html! {};
    }
    html! {
        section id="charts" {
            h2 { "Charts" }
            @for c in charts {
                @let title = registry::chart(c.id).title;
                section.chart id={ "chart-" (c.name) } {
                    h3 { (title) }
                    figure {
                        @match inline_svg(&crate::view::hover::with_layer(&c.svg, &c.hover), title) {
                            Some(svg) => (PreEscaped(svg)),
                            None => img src=(data_uri("image/png", &c.png)) alt=(title) width="1280" height="720";,
                        }
                        figcaption { (caption(c.id)) }
                    }
                }
            }
        }
    }
}

/// Test helpers shared by the three reports' tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::view::theme::Rendered;

    /// Placeholder charts for `names` (rendering is slow in debug builds).
    pub fn placeholders(names: &[&'static str]) -> Vec<Rendered> {
        names
            .iter()
            .map(|&name| Rendered {
                id: crate::view::registry::by_name(name).expect("a registered chart").id,
                name,
                png: Vec::new(),
                svg: "<svg width=\"10\"><text>x</text></svg>".into(),
                hover: Vec::new(),
            })
            .collect()
    }

    /// Check what every report page must be: each chart has its section, and
    /// the page is one whole document that loads nothing and runs nothing.
    pub fn check_page(html: &str, charts: &[Rendered]) {
        for c in charts {
            assert!(html.contains(&format!("id=\"chart-{}\"", c.name)), "{} missing", c.name);
        }
        assert!(!html.contains("src=\"http"), "no external resources");
        assert!(!html.contains("<script"), "no scripts");
        assert!(!html.contains("xmlns"), "no namespace URLs");
        assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    }

    /// Check that the hostile names the tests use (a `<script>` and an
    /// `<img src=x>`) stand in `html` only as text: each of `escaped` is there.
    pub fn check_escaped(html: &str, escaped: &[&str]) {
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img src=x>"));
        for e in escaped {
            assert!(html.contains(e), "{e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_data_uris() {
        assert_eq!(esc("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(data_uri("image/gif", b"GIF89a"), "data:image/gif;base64,R0lGODlh");
        assert_eq!(data_uri("x/y", b"a"), "data:x/y;base64,YQ==");
    }
}
