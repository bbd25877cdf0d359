//! The community satisfaction index (Indeks Kepuasan Masyarakat, IKM) of PermenPAN-RB 14/2017: nine elements
//! (unsur), each answered on a scale of 1 to 4; the index is the mean of each element, each weighted 1/9, summed
//! (a value from 1 to 4), and converted to 25–100 by × 25, with the regulation's grade for the converted value.

use std::ops::RangeInclusive;

/// The answers a respondent may give to each element: 1 (tidak sesuai / tidak baik) to 4 (sangat sesuai / sangat
/// baik).
pub const SCALE: RangeInclusive<u8> = 1..=4;

/// The nine elements of the questionnaire, in the regulation's order (U1 … U9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Element {
    Persyaratan,
    Prosedur,
    WaktuPelayanan,
    Biaya,
    Produk,
    KompetensiPelaksana,
    PerilakuPelaksana,
    Pengaduan,
    Sarana,
}

impl Element {
    /// Every element, U1 first.
    pub const ALL: [Element; 9] = [
        Element::Persyaratan,
        Element::Prosedur,
        Element::WaktuPelayanan,
        Element::Biaya,
        Element::Produk,
        Element::KompetensiPelaksana,
        Element::PerilakuPelaksana,
        Element::Pengaduan,
        Element::Sarana,
    ];

    /// Its code, "U1" … "U9".
    pub fn code(self) -> &'static str {
        ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"][self as usize]
    }

    /// The question as the applicant reads it.
    pub fn question(self) -> &'static str {
        match self {
            Element::Persyaratan => "Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
            Element::Prosedur => "Bagaimana kemudahan prosedur pelayanan di unit ini?",
            Element::WaktuPelayanan => "Bagaimana kecepatan waktu dalam memberikan pelayanan?",
            Element::Biaya => "Bagaimana kewajaran biaya/tarif dalam pelayanan?",
            Element::Produk => {
                "Bagaimana kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil \
                 yang diberikan?"
            }
            Element::KompetensiPelaksana => "Bagaimana kompetensi/kemampuan petugas dalam pelayanan?",
            Element::PerilakuPelaksana => "Bagaimana perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
            Element::Pengaduan => "Bagaimana penanganan pengaduan pengguna layanan?",
            Element::Sarana => "Bagaimana kualitas sarana dan prasarana?",
        }
    }

    /// The element's name in the regulation.
    pub fn label(self) -> &'static str {
        match self {
            Element::Persyaratan => "Persyaratan",
            Element::Prosedur => "Sistem, mekanisme, dan prosedur",
            Element::WaktuPelayanan => "Waktu penyelesaian",
            Element::Biaya => "Biaya/tarif",
            Element::Produk => "Produk spesifikasi jenis pelayanan",
            Element::KompetensiPelaksana => "Kompetensi pelaksana",
            Element::PerilakuPelaksana => "Perilaku pelaksana",
            Element::Pengaduan => "Penanganan pengaduan, saran dan masukan",
            Element::Sarana => "Sarana dan prasarana",
        }
    }
}

/// The regulation's grade (mutu pelayanan) of a converted index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grade {
    /// 88.31–100.00: Sangat Baik.
    A,
    /// 76.61–88.30: Baik.
    B,
    /// 65.00–76.60: Kurang Baik.
    C,
    /// 25.00–64.99: Tidak Baik.
    D,
}

impl Grade {
    /// The grade of a converted index, read at two decimals as the regulation's intervals are written.
    pub fn of(converted: f64) -> Grade {
        let hundredths = (converted * 100.0).round();
        if hundredths >= 8831.0 {
            Grade::A
        } else if hundredths >= 7661.0 {
            Grade::B
        } else if hundredths >= 6500.0 {
            Grade::C
        } else {
            Grade::D
        }
    }

    /// Its name in the regulation.
    pub fn label(self) -> &'static str {
        match self {
            Grade::A => "Sangat Baik",
            Grade::B => "Baik",
            Grade::C => "Kurang Baik",
            Grade::D => "Tidak Baik",
        }
    }

    /// Its interval of the converted index, as the regulation writes it.
    pub fn interval(self) -> &'static str {
        match self {
            Grade::A => "88,31 – 100,00",
            Grade::B => "76,61 – 88,30",
            Grade::C => "65,00 – 76,60",
            Grade::D => "25,00 – 64,99",
        }
    }
}

/// The index of a set of responses.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// How many responses.
    pub responses: usize,
    /// The mean answer of each element (nilai rata-rata, NRR), U1 first.
    pub means: [f64; 9],
    /// Each mean × 1/9 (NRR tertimbang).
    pub weighted: [f64; 9],
    /// The sum of the weighted means: the index on the 1–4 scale.
    pub value: f64,
    /// × 25: the index on the 25–100 scale (IKM unit pelayanan).
    pub converted: f64,
    /// The grade of the converted index.
    pub grade: Grade,
}

/// Whether a response answers every element within the scale.
pub fn valid(answers: &[u8]) -> bool {
    answers.len() == 9 && answers.iter().all(|a| SCALE.contains(a))
}

/// The index of `responses` (each valid); `None` when there are none.
pub fn index(responses: &[[u8; 9]]) -> Option<Index> {
    if responses.is_empty() {
        return None;
    }
    let count = responses.len() as f64;
    let mut means = [0.0; 9];
    for (i, mean) in means.iter_mut().enumerate() {
        *mean = responses.iter().map(|r| f64::from(r[i])).sum::<f64>() / count;
    }
    let weighted = means.map(|m| m / 9.0);
    // Summed before the division (the same value as the weighted means' sum), so that all 4s give exactly 100.
    let value = means.iter().sum::<f64>() / 9.0;
    let converted = value * 25.0;
    Some(Index { responses: responses.len(), means, weighted, value, converted, grade: Grade::of(converted) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worked example computed by hand. Four respondents:
    /// R1 4 4 3 4 3 4 4 3 4 · R2 3 3 3 4 3 3 4 3 3 · R3 4 3 3 4 4 4 4 2 3 · R4 3 4 2 4 3 3 3 3 3.
    /// Means U1…U9: 3.50 3.50 2.75 4.00 3.25 3.50 3.75 2.75 3.25; sum 30.25; × 1/9 = 3.3611; × 25 = 84.03 → B (Baik).
    #[test]
    fn a_worked_example_gives_the_index_and_grade_computed_by_hand() {
        let responses = [
            [4, 4, 3, 4, 3, 4, 4, 3, 4],
            [3, 3, 3, 4, 3, 3, 4, 3, 3],
            [4, 3, 3, 4, 4, 4, 4, 2, 3],
            [3, 4, 2, 4, 3, 3, 3, 3, 3],
        ];
        let index = index(&responses).expect("an index");
        assert_eq!(index.responses, 4);
        assert_eq!(index.means, [3.5, 3.5, 2.75, 4.0, 3.25, 3.5, 3.75, 2.75, 3.25]);
        assert!((index.value - 30.25 / 9.0).abs() < 1e-9, "{}", index.value);
        assert!((index.converted - 84.027_777_8).abs() < 1e-6, "{}", index.converted);
        assert_eq!(index.grade, Grade::B);
        assert_eq!(index.grade.label(), "Baik");
    }

    #[test]
    fn the_grades_follow_the_regulations_intervals_at_their_edges() {
        for (converted, grade) in [
            (100.0, Grade::A),
            (88.31, Grade::A),
            (88.30, Grade::B),
            (76.61, Grade::B),
            (76.60, Grade::C),
            (65.00, Grade::C),
            (64.99, Grade::D),
            (25.0, Grade::D),
        ] {
            assert_eq!(Grade::of(converted), grade, "{converted}");
        }
        assert_eq!(index(&[[4; 9]]).map(|i| i.converted), Some(100.0));
        assert_eq!(index(&[[1; 9]]).map(|i| (i.converted, i.grade)), Some((25.0, Grade::D)));
        assert!(index(&[]).is_none());
        assert!(valid(&[1, 2, 3, 4, 1, 2, 3, 4, 1]) && !valid(&[0; 9]) && !valid(&[5; 9]) && !valid(&[3; 8]));
    }
}
