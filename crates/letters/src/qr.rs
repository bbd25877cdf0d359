//! The QR code of a letter, as SVG for Typst to embed: vector, so it prints sharp at any size.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::{LettersError, LettersResult};

/// An SVG QR code of `url` with medium error correction (a folded or stamped letter still scans).
pub fn qr_svg(url: &str) -> LettersResult<String> {
    let code =
        QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| LettersError::Qr(e.to_string()))?;
    Ok(code.render::<svg::Color<'_>>().quiet_zone(true).min_dimensions(240, 240).build())
}
