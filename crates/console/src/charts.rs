//! Charts drawn on the server as inline SVG: nothing to download, nothing from another host, readable without
//! JavaScript. Each chart is an image with a title and a description for screen readers, and every figure it
//! shows is also written beside it in a table.

use std::fmt::Write;

/// One bar of a bar chart: its label and its values (one per series).
pub struct Bar {
    /// What the bar stands for.
    pub label: String,
    /// Its values, one per series, stacked left to right.
    pub values: Vec<f64>,
}

/// The colours of the series, dark enough for white text and distinguishable in greyscale by their order.
const COLOURS: [&str; 4] = ["#1f5f99", "#c26a00", "#6b4c9a", "#8a8a8a"];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A horizontal stacked bar chart: one row per bar, `series` naming the stacked parts (the legend), the length
/// proportional to the sum over the largest sum; the sum is written at the end of each bar.
pub fn stacked_bars(title: &str, series: &[&str], bars: &[Bar], unit: &str) -> String {
    const LABEL: f64 = 260.0;
    const WIDTH: f64 = 720.0;
    const ROW: f64 = 26.0;
    let plot = WIDTH - LABEL - 70.0;
    let max = bars.iter().map(|b| b.values.iter().sum::<f64>()).fold(0.0, f64::max).max(1e-9);
    let legend_rows = if series.len() > 1 { 1.0 } else { 0.0 };
    let height = (bars.len() as f64 + legend_rows) * ROW + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="g-{id}"><title id="g-{id}">{t}</title>"#,
        id = slug(title),
        t = escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i as f64 * ROW + 4.0;
        // What fits left of the bars at this size (about 7 units a character); the table beside says it whole.
        let label: String = if bar.label.chars().count() > 34 {
            format!("{}…", bar.label.chars().take(33).collect::<String>())
        } else {
            bar.label.clone()
        };
        let _ = write!(
            svg,
            r##"<text x="{x}" y="{ty}" font-size="13" text-anchor="end" fill="#1b1b1b">{l}</text>"##,
            x = LABEL - 8.0,
            ty = y + 15.0,
            l = escape(&label)
        );
        let mut x = LABEL;
        for (s, value) in bar.values.iter().enumerate() {
            let w = value / max * plot;
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="{h}" fill="{c}"/>"#,
                    h = ROW - 8.0,
                    c = COLOURS[s % COLOURS.len()]
                );
            }
            x += w;
        }
        let total: f64 = bar.values.iter().sum();
        let _ = write!(
            svg,
            r##"<text x="{tx:.1}" y="{ty}" font-size="13" fill="#1b1b1b">{v}{unit}</text>"##,
            tx = x + 6.0,
            ty = y + 15.0,
            v = number(total)
        );
    }
    if series.len() > 1 {
        let y = bars.len() as f64 * ROW + 6.0;
        let mut x = LABEL;
        for (s, name) in series.iter().enumerate() {
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{y}" width="12" height="12" fill="{c}"/><text x="{tx}" y="{ty}" font-size="12" fill="#1b1b1b">{n}</text>"##,
                c = COLOURS[s % COLOURS.len()],
                tx = x + 16.0,
                ty = y + 11.0,
                n = escape(name)
            );
            x += 16.0 + 8.0 * name.chars().count() as f64 + 18.0;
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A value as the charts write it: whole numbers without decimals, others with one (comma decimal).
fn number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{x:.0}") } else { format!("{x:.1}").replace('.', ",") }
}

fn slug(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_labelled_and_escaped() {
        let svg = stacked_bars(
            "Diterima & selesai",
            &["Selesai", "Terbuka"],
            &[
                Bar { label: String::from("SKTM <Bulukumba>"), values: vec![30.0, 10.0] },
                Bar { label: String::from("DTKS"), values: vec![20.0, 0.0] },
            ],
            "",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"g-diterima---selesai\">Diterima &amp; selesai</title>"));
        assert!(svg.contains("SKTM &lt;Bulukumba&gt;") && svg.contains(">40<") && svg.contains(">20<"));
        // 30 of a largest sum of 40 is three quarters of the 390-unit plot.
        assert!(svg.contains(r#"width="292.5""#), "{svg}");
    }
}
