//! `/guides/:slug`: one guide or tutorial of the light bulb (PRODUCT.md §4, Guide).
//!
//! A guide's body is one translated text (`guide.<key>_body`) in a small markup, so
//! that a translator edits prose and not view code:
//! - blocks are separated by a blank line;
//! - `## ` and `### ` start headings;
//! - a block of `- ` lines is a list, of `1. ` lines a numbered list;
//! - a block of `| a | b |` lines is a table whose first line is the header;
//! - `! ` starts a warning, `> ` a tip; anything else is a paragraph;
//! - inline, `**bold**` and `[text](url)` (a `/…` url stays inside the app).

use leptos::prelude::*;

use crate::components::form::tr;
use crate::components::guides::{find_guide, GuideKind, GUIDES};
use crate::i18n::t;
use crate::set_title;

#[component]
pub fn GuidePage() -> impl IntoView {
    let slug = crate::route_param();

    Effect::new(move |_| {
        let title = find_guide(&slug.get())
            .map(|g| g.title())
            .unwrap_or_else(|| t("guide.not_found_title"));
        set_title(&title);
    });

    let sidebar = move || {
        let current = slug.get();
        let item = move |kind: GuideKind| {
            let current = current.clone();
            GUIDES
                .iter()
                .filter(move |g| g.kind == kind)
                .map(move |g| {
                    let here = g.slug == current;
                    view! {
                        <li>
                            <a
                                href=g.href()
                                class="guide-toc-link"
                                aria-current=here.then_some("page")
                            >
                                {move || g.title()}
                            </a>
                        </li>
                    }
                })
                .collect_view()
        };
        view! {
            <nav class="guide-toc" aria-labelledby="guide-toc-title">
                <h2 id="guide-toc-title" class="guide-toc-title">
                    {tr("guide.panel_title")}
                </h2>
                <h3 class="guide-toc-group">{tr("guide.group_guides")}</h3>
                <ul>{item(GuideKind::Guide)}</ul>
                <h3 class="guide-toc-group">{tr("guide.group_tutorials")}</h3>
                <ul>{item(GuideKind::Tutorial)}</ul>
            </nav>
        }
    };

    let article = move || match find_guide(&slug.get()) {
        Some(g) => {
            let kind = move || match g.kind {
                GuideKind::Guide => t("guide.kind_guide"),
                GuideKind::Tutorial => t("guide.kind_tutorial"),
            };
            view! {
                <article class="guide-article" aria-labelledby="guide-title">
                    <p class="guide-kind">{kind}</p>
                    <h1 id="guide-title" data-testid="guide-title">
                        {move || g.title()}
                    </h1>
                    <p class="guide-lead">{move || g.summary()}</p>
                    <div class="guide-body">{move || render_markup(&g.body())}</div>
                    <p class="guide-updated">{tr("guide.footer")}</p>
                </article>
            }
            .into_any()
        }
        None => view! {
            <article class="guide-article" aria-labelledby="guide-title">
                <h1 id="guide-title" data-testid="guide-title">
                    {tr("guide.not_found_title")}
                </h1>
                <p>{tr("guide.not_found_text")}</p>
            </article>
        }
        .into_any(),
    };

    view! {
        <div class="guide-layout" data-testid="guide-page">
            {sidebar}
            {article}
        </div>
    }
}

/// A block of the guide markup.
#[derive(Debug, PartialEq)]
enum Block<'a> {
    H2(&'a str),
    H3(&'a str),
    Para(String),
    List(Vec<&'a str>),
    Numbered(Vec<&'a str>),
    Table(Vec<Vec<&'a str>>),
    Warning(String),
    Tip(String),
}

fn flush<'a>(lines: &mut Vec<&'a str>, out: &mut Vec<Block<'a>>) {
    if !lines.is_empty() {
        out.push(block(lines));
        lines.clear();
    }
}

/// Splits the markup into blocks (see the module documentation).
fn parse_blocks(src: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in src.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut lines, &mut out);
        } else if line.starts_with("## ") || line.starts_with("### ") {
            // A heading always stands alone, even without a blank line around it.
            flush(&mut lines, &mut out);
            out.push(block(&[line]));
        } else {
            lines.push(line);
        }
    }
    flush(&mut lines, &mut out);
    out
}

fn block<'a>(lines: &[&'a str]) -> Block<'a> {
    let first = lines[0];
    let joined = |strip: &str| {
        lines
            .iter()
            .map(|l| l.strip_prefix(strip).unwrap_or(l).trim())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(h) = first.strip_prefix("### ") {
        Block::H3(h)
    } else if let Some(h) = first.strip_prefix("## ") {
        Block::H2(h)
    } else if lines.iter().all(|l| l.starts_with("- ")) {
        Block::List(lines.iter().map(|l| l[2..].trim()).collect())
    } else if lines.iter().all(|l| numbered(l).is_some()) {
        Block::Numbered(lines.iter().filter_map(|l| numbered(l)).collect())
    } else if lines.iter().all(|l| l.starts_with('|')) {
        Block::Table(
            lines
                .iter()
                .map(|l| {
                    l.trim_matches('|')
                        .split('|')
                        .map(str::trim)
                        .collect::<Vec<_>>()
                })
                .collect(),
        )
    } else if first.starts_with("! ") {
        Block::Warning(joined("! "))
    } else if first.starts_with("> ") {
        Block::Tip(joined("> "))
    } else {
        Block::Para(joined(""))
    }
}

/// The text of a `12. text` line.
fn numbered(line: &str) -> Option<&str> {
    let (n, rest) = line.split_once(". ")?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(rest.trim())
}

/// A piece of inline text.
#[derive(Debug, PartialEq)]
enum Inline<'a> {
    Text(&'a str),
    Bold(&'a str),
    Link(&'a str, &'a str),
}

/// Splits `**bold**` and `[text](url)` out of a line; anything unbalanced stays text.
fn parse_inline(mut s: &str) -> Vec<Inline<'_>> {
    let mut out = Vec::new();
    while !s.is_empty() {
        let bold = s.find("**");
        let link = s.find('[');
        let next = match (bold, link) {
            (Some(b), Some(l)) => Some(b.min(l)),
            (b, l) => b.or(l),
        };
        let Some(at) = next else {
            out.push(Inline::Text(s));
            break;
        };
        if at > 0 {
            out.push(Inline::Text(&s[..at]));
        }
        let rest = &s[at..];
        if let Some(inner) = rest.strip_prefix("**") {
            if let Some(end) = inner.find("**") {
                out.push(Inline::Bold(&inner[..end]));
                s = &inner[end + 2..];
                continue;
            }
            out.push(Inline::Text("**"));
            s = inner;
            continue;
        }
        // A link `[text](url)`.
        let parsed = rest[1..]
            .find("](")
            .filter(|close| !rest[1..1 + close].contains(['[', ']']))
            .and_then(|close| {
                let text = &rest[1..1 + close];
                let after = &rest[1 + close + 2..];
                after
                    .find(')')
                    .map(|end| (text, &after[..end], &after[end + 1..]))
            });
        match parsed {
            Some((text, url, tail)) => {
                out.push(Inline::Link(text, url));
                s = tail;
            }
            None => {
                out.push(Inline::Text("["));
                s = &rest[1..];
            }
        }
    }
    out
}

fn render_inline(s: &str) -> AnyView {
    parse_inline(s)
        .into_iter()
        .map(|piece| match piece {
            Inline::Text(x) => x.to_owned().into_any(),
            Inline::Bold(x) => view! { <strong>{x.to_owned()}</strong> }.into_any(),
            Inline::Link(text, url) if url.starts_with('/') => {
                let (text, url) = (text.to_owned(), url.to_owned());
                view! { <a href=url>{text}</a> }.into_any()
            }
            Inline::Link(text, url) => view! {
                <a href=url.to_owned() target="_blank" rel="noopener noreferrer external">
                    {text.to_owned()}
                </a>
            }
            .into_any(),
        })
        .collect_view()
        .into_any()
}

/// The guide markup as a view.
fn render_markup(src: &str) -> AnyView {
    parse_blocks(src)
        .into_iter()
        .map(|b| match b {
            Block::H2(h) => view! { <h2>{render_inline(h)}</h2> }.into_any(),
            Block::H3(h) => view! { <h3>{render_inline(h)}</h3> }.into_any(),
            Block::Para(p) => view! { <p>{render_inline(&p)}</p> }.into_any(),
            Block::List(items) => view! {
                <ul>
                    {items
                        .into_iter()
                        .map(|i| view! { <li>{render_inline(i)}</li> })
                        .collect_view()}
                </ul>
            }
            .into_any(),
            Block::Numbered(items) => view! {
                <ol class="guide-steps">
                    {items
                        .into_iter()
                        .map(|i| view! { <li>{render_inline(i)}</li> })
                        .collect_view()}
                </ol>
            }
            .into_any(),
            Block::Table(rows) => {
                let mut rows = rows.into_iter();
                let head = rows.next().unwrap_or_default();
                view! {
                    <div class="guide-table-wrap">
                        <table class="guide-table">
                            <thead>
                                <tr>
                                    {head
                                        .into_iter()
                                        .map(|c| view! { <th scope="col">{render_inline(c)}</th> })
                                        .collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .map(|r| {
                                        let mut cells = r.into_iter();
                                        let first = cells.next().unwrap_or_default();
                                        view! {
                                            <tr>
                                                <th scope="row">{render_inline(first)}</th>
                                                {cells
                                                    .map(|c| view! { <td>{render_inline(c)}</td> })
                                                    .collect_view()}
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Block::Warning(p) => view! {
                <aside class="guide-callout guide-warning" role="note">
                    <strong class="guide-callout-label">{tr("guide.warning")}</strong>
                    <p>{render_inline(&p)}</p>
                </aside>
            }
            .into_any(),
            Block::Tip(p) => view! {
                <aside class="guide-callout guide-tip" role="note">
                    <strong class="guide-callout-label">{tr("guide.tip")}</strong>
                    <p>{render_inline(&p)}</p>
                </aside>
            }
            .into_any(),
        })
        .collect_view()
        .into_any()
}
