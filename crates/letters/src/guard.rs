//! What a template written through the API may not contain. The shipped templates are the operator's; a template
//! an admin saves or previews is rendered inside the server, so it must not be able to crash it or hold a core:
//! Handlebars follows partials without a depth limit (an inline partial that calls itself overflows the stack and
//! aborts the process), and Typst bounds `while` loops but not `for` loops, recursion through closures, `range`
//! or repetition (`"x" * 1000000000`). A letter needs none of these: the template's own Typst is checked for them,
//! and its Handlebars for partials other than the three shared ones and for decorators.

use handlebars::template::{Template, TemplateElement};
use typst::syntax::{SyntaxKind, SyntaxNode};

use crate::render::PARTIALS;

/// Why `template` may not be rendered for an admin, in their words; `None` when it may.
pub(crate) fn refusal(template: &Template) -> Option<String> {
    let mut typst = String::new();
    if let Err(why) = walk(template, &mut typst) {
        return Some(why);
    }
    forbidden(&typst::syntax::parse(&typst)).map(|what| format!("templat surat tidak boleh memakai {what}"))
}

/// Collects the template's own text (a value stands as `x`: values are escaped, they never become code) and
/// refuses partials other than the shared ones and decorators.
fn walk(template: &Template, typst: &mut String) -> Result<(), String> {
    for element in &template.elements {
        match element {
            TemplateElement::RawString(text) => typst.push_str(text),
            TemplateElement::Expression(_) | TemplateElement::HtmlExpression(_) => typst.push('x'),
            TemplateElement::Comment(_) => {}
            TemplateElement::HelperBlock(helper) => {
                for inner in [&helper.template, &helper.inverse].into_iter().flatten() {
                    walk(inner, typst)?;
                }
            }
            TemplateElement::PartialExpression(partial) => {
                let name = partial.name.as_name().unwrap_or_default();
                if !PARTIALS.iter().any(|(known, _)| *known == name) {
                    let known: Vec<&str> = PARTIALS.iter().map(|(known, _)| *known).collect();
                    return Err(format!("parsial `{name}` tidak dikenal; yang tersedia: {}", known.join(", ")));
                }
            }
            // Decorators, inline partials, partial blocks, and whatever a later Handlebars adds.
            _ => {
                return Err(String::from(
                    "templat surat tidak boleh memakai dekorator, parsial sebaris ({{#*inline}}), atau blok parsial ({{#>}})",
                ));
            }
        }
    }
    Ok(())
}

/// The first construct of `node` a letter may not use, in words.
fn forbidden(node: &SyntaxNode) -> Option<&'static str> {
    match node.kind() {
        SyntaxKind::ForLoop | SyntaxKind::WhileLoop => Some("perulangan (for, while)"),
        SyntaxKind::Closure => Some("fungsi buatan sendiri"),
        SyntaxKind::ModuleImport | SyntaxKind::ModuleInclude => Some("import atau include"),
        SyntaxKind::Binary if node.children().any(|c| c.kind() == SyntaxKind::Star) => {
            Some("perkalian (pengulangan teks atau larik)")
        }
        SyntaxKind::FuncCall if node.children().next().is_some_and(|callee| callee.full_text().ends_with("range")) => {
            Some("range()")
        }
        _ => node.children().find_map(forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    fn refused(source: &str) -> Option<String> {
        refusal(&handlebars::Template::compile(source).expect("parses"))
    }

    #[test]
    fn a_letter_passes_and_loops_recursion_repetition_and_strange_partials_do_not() {
        let letter = "{{> kop_surat}}\n#align(center)[*SURAT* \\ Nomor: {{letter.number}}]\n\
            {{#if data.nama}}Nama: {{data.nama}}{{/if}}\n#table(columns: 2, [a], [b])\n{{> tanda_tangan}}\n";
        assert_eq!(refused(letter), None);
        for (source, what) in [
            ("#for i in range(10) [x]", "perulangan"),
            ("#while true {}", "perulangan"),
            ("#let f(n) = f(n - 1)\n#f(1)", "fungsi"),
            ("#(\"x\" * {{data.n}})", "perkalian"),
            ("#range({{data.n}}).len()", "range"),
            ("{{#each data}}#for x in (1,2) [a]{{/each}}", "perulangan"),
            ("{{#*inline \"p\"}}{{> p}}{{/inline}}{{> p}}", "parsial"),
            ("{{> lain}}", "parsial `lain`"),
        ] {
            let why = refused(source).unwrap_or_default();
            assert!(why.contains(what), "{source}: {why}");
        }
    }
}
