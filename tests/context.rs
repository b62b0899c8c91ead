//! Who and when: each locality and period form, and plans kept apart from results, on
//! real-looking sentences written for these tests (provinces and wording varied on purpose).

mod common;

use std::sync::LazyLock;

use chiso::record::{Locality, Period, Record};
use chiso::{extract, Document, Ruleset};

static RS: LazyLock<Ruleset> = LazyLock::new(common::bundled);

fn records(text: &str) -> Vec<Record> {
    extract(&RS, &Document::from_text("t.txt", text)).unwrap()
}

fn one(text: &str) -> Record {
    let r = records(text);
    assert_eq!(r.len(), 1, "{text}\n{r:#?}");
    r.into_iter().next().unwrap()
}

fn loc(p: Option<&str>, d: Option<&str>, c: Option<&str>) -> Locality {
    Locality {
        province: p.map(str::to_string),
        district: d.map(str::to_string),
        commune: c.map(str::to_string),
    }
}

fn years(from: i32, to: Option<i32>) -> Option<Period> {
    Some(Period {
        from: Some(from),
        to,
    })
}

// ---- locality -------------------------------------------------------------------------

#[test]
fn the_province_follows_from_the_district() {
    let r = one("Năm 2023, Huyện ủy Quỳnh Lưu đã kết nạp được 412 đảng viên mới.");
    assert_eq!(r.locality, loc(Some("Nghệ An"), Some("Quỳnh Lưu"), None));
    assert!(
        r.locality_source.reason.contains("Huyện ủy Quỳnh Lưu"),
        "{:?}",
        r.locality_source
    );
}

#[test]
fn a_dateline_names_the_province() {
    let r =
        one("THANH HÓA – Năm 2022, toàn Đảng bộ đã kết nạp được 6.120 đảng viên mới.\nTin: P.V");
    assert_eq!(r.locality.province.as_deref(), Some("Thanh Hóa"));
    assert!(
        r.locality_source.reason.contains("THANH HÓA"),
        "{:?}",
        r.locality_source
    );
}

#[test]
fn the_subject_district_is_the_most_named() {
    let text = "Đảng bộ huyện Thạch Hà: phát triển đảng viên ở nông thôn\n\
        Những năm qua, Ban Thường vụ Huyện ủy Thạch Hà chú trọng công tác tạo nguồn. \
        Đoàn công tác của huyện Can Lộc đã đến học tập kinh nghiệm.\n\
        Năm 2022, Đảng bộ kết nạp được 318 đảng viên, cao nhất từ trước đến nay.";
    assert_eq!(
        one(text).locality,
        loc(Some("Hà Tĩnh"), Some("Thạch Hà"), None)
    );
}

#[test]
fn an_ambiguous_district_is_left_without_a_province_unless_the_document_says() {
    let r = one("Huyện Châu Thành có 15/16 xã đạt chuẩn nông thôn mới.");
    assert_eq!(r.locality, loc(None, Some("Châu Thành"), None));
    assert!(r.locality_source.reason.contains("province left open"));
    let r =
        one("Tỉnh ủy Tiền Giang cho biết: huyện Châu Thành có 15/16 xã đạt chuẩn nông thôn mới.");
    assert_eq!(
        r.locality,
        loc(Some("Tiền Giang"), Some("Châu Thành"), None)
    );
}

#[test]
fn a_unit_named_in_the_sentence_overrides_the_subject() {
    let text = "BẮC GIANG – Huyện Lục Ngạn đẩy mạnh phát triển đảng viên.\n\
        Trong năm, Đảng bộ huyện Lục Ngạn kết nạp 260 đảng viên; riêng huyện Sơn Động kết nạp 118 đảng viên.";
    let r = records(text);
    assert_eq!(
        r[0].locality,
        loc(Some("Bắc Giang"), Some("Lục Ngạn"), None)
    );
    assert_eq!(
        r[1].locality,
        loc(Some("Bắc Giang"), Some("Sơn Động"), None)
    );
}

#[test]
fn a_commune_and_its_district() {
    let r = one("Năm 2023, Đảng ủy xã Tân Lập, huyện Đan Phượng kết nạp được 9 đảng viên.");
    assert_eq!(
        r.locality,
        loc(Some("Hà Nội"), Some("Đan Phượng"), Some("Tân Lập"))
    );
}

#[test]
fn province_wide_figures_lift_to_the_province() {
    let text = "QUẢNG NINH – Huyện Đầm Hà đẩy mạnh công tác dân vận.\n\
        Cuộc bầu cử năm 2021 diễn ra an toàn, trên toàn tỉnh có 99,86% cử tri đi bỏ phiếu. Đảng bộ huyện Đầm Hà có 2.900 đảng viên.";
    let r = records(text);
    let turnout = r
        .iter()
        .find(|r| r.indicator == "voter_turnout_rate")
        .unwrap();
    assert_eq!(turnout.locality, loc(Some("Quảng Ninh"), None, None));
    assert!(turnout.locality_source.reason.contains("toàn tỉnh"));
}

#[test]
fn abbreviations_and_spellings_resolve() {
    let r =
        one("Thành ủy TP.HCM cho biết toàn thành phố kết nạp được 8.500 đảng viên trong năm 2022.");
    assert_eq!(r.locality.province.as_deref(), Some("Hồ Chí Minh"));
    let r = one("Tại tỉnh Thừa Thiên – Huế, năm 2022 các chi bộ kết nạp được 1.340 đảng viên.");
    assert_eq!(r.locality.province.as_deref(), Some("Huế"));
    // Old and new tone placement name the same district.
    for spelling in ["huyện Đông Hoà", "huyện Đông Hòa"] {
        let r = one(&format!("Năm 2021, {spelling} kết nạp 150 đảng viên."));
        assert_eq!(
            r.locality,
            loc(Some("Phú Yên"), Some("Đông Hòa"), None),
            "{spelling}"
        );
    }
}

#[test]
fn a_commune_in_a_list_is_its_own_locality() {
    let text = "QUẢNG NAM – Huyện ủy Đại Lộc chú trọng phát triển đảng viên là trưởng thôn.\n\
        Các xã có tỷ lệ trưởng thôn là đảng viên cao như: Đại Hiệp (8/9), Đại Nghĩa (10/12).";
    let r = records(text);
    assert_eq!(r.len(), 2);
    assert_eq!(
        r[0].locality,
        loc(Some("Quảng Nam"), Some("Đại Lộc"), Some("Đại Hiệp"))
    );
    assert_eq!((r[1].value, r[1].total), (10.0, Some(12.0)));
    assert!(
        r[0].locality_source.reason.contains("«Đại Hiệp (8/9)»"),
        "{}",
        r[0].locality_source.reason
    );
}

// ---- period ---------------------------------------------------------------------------

#[test]
fn document_dates_from_datelines_bylines_and_metadata() {
    let body = "Từ năm 2021 đến nay, huyện Krông Pắc đã kết nạp được 540 đảng viên.";
    for (header, year) in [
        ("Thứ Hai, 14/03/2022", Some(2022)),
        ("09:42 21/11/2023", Some(2023)),
        ("Ngày đăng: 05/01/2024", Some(2024)),
        ("Cập nhật ngày 7-2", None),
    ] {
        let r = one(&format!(
            "Krông Pắc chăm lo phát triển đảng viên\n{header}\n{body}"
        ));
        assert_eq!(r.period, years(2021, year), "{header}");
    }
    let mut doc = Document::from_text("m.txt", body);
    doc.meta
        .insert("date".into(), "2019-06-30T08:00:00+07:00".into());
    let r = extract(&RS, &doc).unwrap();
    assert_eq!(r[0].period, years(2021, Some(2019)));
}

#[test]
fn period_forms_on_records() {
    let cases = [
        ("Năm 2020, huyện Tam Nông kết nạp 210 đảng viên.", years(2020, Some(2020))),
        ("6 tháng đầu năm 2018, huyện Tam Nông kết nạp 95 đảng viên.", years(2018, Some(2018))),
        ("Quý III/2014, huyện Tam Nông thành lập 3 chi bộ trong doanh nghiệp tư nhân.", years(2014, Some(2014))),
        ("Tổng nguồn vốn huy động xây dựng nông thôn mới trong 03 năm (2019 - 2021) đạt 412 tỷ đồng.", years(2019, Some(2021))),
        ("Giai đoạn 2016 - 2020, huyện Tam Nông có 11 xã đạt chuẩn nông thôn mới.", years(2016, Some(2020))),
        ("Huyện Tam Nông có 120 đảng viên mới kết nạp.", None),
    ];
    for (text, period) in cases {
        assert_eq!(one(text).period, period, "{text}");
    }
}

#[test]
fn from_the_start_of_the_term_takes_the_congress_term() {
    let text = "Đại hội Đảng bộ huyện Yên Mô nhiệm kỳ 2020 - 2025 đề ra nhiều chỉ tiêu. Trưởng thôn nhiệm kỳ 2022 - 2025 được bầu.\n\
        Từ đầu nhiệm kỳ đến nay, huyện đã kết nạp được 730 đảng viên.";
    assert_eq!(one(text).period, years(2020, None));
}

#[test]
fn two_figures_for_one_indicator_keep_their_own_periods() {
    let text = "Năm 2022, huyện Hải Hậu kết nạp 320 đảng viên. Từ năm 2020 đến nay, huyện kết nạp được 1.050 đảng viên.\n09/01/2023";
    let r = records(text);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].period, years(2022, Some(2022)));
    assert_eq!(r[1].period, years(2020, Some(2023)));
}

// ---- results, not plans ---------------------------------------------------------------

#[test]
fn plans_targets_and_quotas_are_not_figures() {
    for text in [
        "Phấn đấu năm 2024 kết nạp trên 290 đảng viên mới.",
        "Chỉ tiêu giao mỗi năm thành lập 1 - 2 tổ chức đảng trong doanh nghiệp ngoài nhà nước.",
        "Chỉ tiêu thành lập 3 chi bộ trong doanh nghiệp tư nhân trong năm.",
        "Nghị quyết đề ra: nâng tỷ lệ trưởng thôn là đảng viên lên trên 95%.",
        "Đến năm 2025 có 18/21 xã đạt chuẩn nông thôn mới.",
        "Kế hoạch năm 2024 kết nạp 180 đảng viên mới.",
        "Dự kiến năm tới huy động 200 tỷ đồng xây dựng nông thôn mới.",
        "Huyện cần thành lập thêm 4 chi bộ trong doanh nghiệp tư nhân.",
    ] {
        let r = records(text);
        assert!(
            r.is_empty(),
            "{text} → {:?}",
            r.iter()
                .map(|r| (&r.indicator, r.value))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn deltas_and_shares_of_plan_are_not_the_value() {
    let cases: [(&str, &[f64]); 4] = [
        ("Tỷ lệ đảng viên được xếp loại hoàn thành tốt nhiệm vụ trở lên đạt 91,2%, tăng 1,2% so với năm trước.", &[91.2]),
        ("Năm 2023, huyện kết nạp 240 đảng viên, đạt 104% kế hoạch.", &[240.0]),
        ("Huyện đã kết nạp 1.015 đảng viên, vượt 11,8% mục tiêu.", &[1015.0]),
        ("Tỷ lệ trưởng thôn là đảng viên đạt 87,7% mục tiêu đề ra.", &[]),
    ];
    for (text, values) in cases {
        let got: Vec<f64> = records(text).iter().map(|r| r.value).collect();
        assert_eq!(got, values.to_vec(), "{text}");
    }
}

#[test]
fn the_same_figure_twice_is_one_record() {
    let text = "Đảng bộ huyện Kỳ Sơn có 3.100 đảng viên sinh hoạt ở 58 chi bộ. Huyện đã hoàn thành vượt mức 5/12 chỉ tiêu Nghị quyết Đại hội.\n\
        Tóm lại, Đảng bộ huyện hoàn thành vượt mức 5/12 chỉ tiêu Nghị quyết Đại hội.";
    let targets: Vec<Record> = records(text)
        .into_iter()
        .filter(|r| r.indicator == "resolution_targets_met")
        .collect();
    assert_eq!(targets.len(), 1, "{targets:#?}");
    assert_eq!((targets[0].value, targets[0].total), (5.0, Some(12.0)));
}

// ---- the 2025 reform ----------------------------------------------------------------------

#[test]
fn a_legacy_unit_carries_its_successor_province_and_commune() {
    let r = one("Năm 2021, Đảng bộ xã Tân Hưng, huyện Lạng Giang kết nạp 12 đảng viên mới.");
    assert_eq!(
        r.locality,
        loc(Some("Bắc Giang"), Some("Lạng Giang"), Some("Tân Hưng"))
    );
    let c = r.counterpart.expect("a counterpart");
    assert_eq!(c.map, "2025");
    assert_eq!(c.provinces, vec!["Bắc Ninh".to_string()]);
    assert_eq!(c.district, None);
    assert_eq!(c.commune.as_deref(), Some("Lạng Giang"));
}

#[test]
fn a_post_reform_document_names_new_units_and_carries_the_legacy_ones() {
    let r = one(
        "Phường Kinh Bắc phát triển đảng viên\nBẮC NINH - Ngày 12/9/2025, Đảng ủy phường Kinh Bắc tổ chức hội nghị. Từ đầu năm đến nay, Đảng bộ phường Kinh Bắc kết nạp 25 đảng viên mới.",
    );
    assert_eq!(r.locality, loc(Some("Bắc Ninh"), None, Some("Kinh Bắc")));
    assert_eq!(r.period, years(2025, Some(2025)));
    let c = r.counterpart.expect("a counterpart");
    assert_eq!(c.map, "legacy");
    assert_eq!(c.provinces, vec!["Bắc Ninh".to_string()]);
    // Kinh Bắc was formed from wards of one legacy city.
    assert_eq!(c.district.as_deref(), Some("Bắc Ninh"));
}

#[test]
fn a_new_province_carries_every_legacy_province_it_covers() {
    let r = one(
        "Bắc Ninh kết nạp đảng viên\nBẮC NINH - Ngày 3/10/2025, Tỉnh ủy Bắc Ninh tổ chức hội nghị. Trong 9 tháng đầu năm, toàn tỉnh kết nạp 3.150 đảng viên mới.",
    );
    assert_eq!(r.locality, loc(Some("Bắc Ninh"), None, None));
    let c = r.counterpart.expect("a counterpart");
    assert_eq!(c.map, "legacy");
    assert_eq!(
        c.provinces,
        vec!["Bắc Giang".to_string(), "Bắc Ninh".to_string()]
    );
    // The same words dated before the reform name the legacy province.
    let r = one(
        "Bắc Ninh kết nạp đảng viên\nBẮC NINH - Ngày 3/10/2024, Tỉnh ủy Bắc Ninh tổ chức hội nghị. Trong 9 tháng đầu năm, toàn tỉnh kết nạp 3.150 đảng viên mới.",
    );
    let c = r.counterpart.expect("a counterpart");
    assert_eq!((c.map, c.provinces), ("2025", vec!["Bắc Ninh".to_string()]));
}

#[test]
fn a_province_wide_figure_never_carries_a_district() {
    for text in [
        "Huyện Yên Thế sơ kết\nBẮC GIANG - Ngày 5/7/2023, huyện Yên Thế tổ chức hội nghị. Toàn tỉnh có 1.230 chi bộ trực thuộc.",
        "Tin Hải Dương\nHuyện ủy Thanh Miện họp. Toàn Đảng bộ tỉnh kết nạp 2.950 đảng viên mới trong năm 2022.",
        "Cả tỉnh có 102 xã đạt chuẩn nông thôn mới, trong đó huyện Nho Quan có 24 xã.",
    ] {
        let r = records(text);
        let first = r.first().unwrap_or_else(|| panic!("no figure in {text}"));
        assert_eq!(first.locality.district, None, "{text}\n{first:#?}");
        assert!(first.locality.province.is_some(), "{text}\n{first:#?}");
    }
}

#[test]
fn the_outlet_and_the_metadata_date_place_and_date_a_figure() {
    let mut doc = Document::from_text(
        "a.txt",
        "Trao Huy hiệu Đảng cho đảng viên lão thành\nDịp này, Ban Thường vụ Tỉnh ủy khen thưởng 42 cá nhân có thành tích xuất sắc.",
    );
    doc.meta.insert("source".into(), "Báo Bắc Giang".into());
    doc.meta
        .insert("date".into(), "2023-02-03T08:00:00+07:00".into());
    let r = extract(&RS, &doc).unwrap();
    assert_eq!(r.len(), 1, "{r:#?}");
    assert_eq!(r[0].locality, loc(Some("Bắc Giang"), None, None));
    assert!(
        r[0].locality_source.reason.contains("the outlet"),
        "{:?}",
        r[0].locality_source
    );
    assert_eq!(r[0].period, years(2023, Some(2023)));
    assert!(
        r[0].period_source
            .reason
            .contains("the document's date (its metadata)"),
        "{:?}",
        r[0].period_source
    );
}
