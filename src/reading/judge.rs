//! Judging mentions: which indicator, if any, a number is a figure of.
//!
//! For each mention of a sentence the judge looks at
//! - its **noun**: the vocabulary phrase right after it ("172 ĐV", "4/19 xã"), past
//!   classifiers ("lượt");
//! - its **stretch**: the words between the neighbouring numbers, inside its `;` segment, where
//!   its own cues are; numbers in a list ("kết nạp 98 đảng viên, Ninh Giang 87 đảng viên")
//!   are chained, so an item without a verb of its own takes its neighbour's;
//! - the built-in **blockers**: identifiers and ordinals, plans (unless a result word follows
//!   the plan word), changes, shares of a plan, parts of a figure ("trong đó …", a
//!   parenthesis after a figure);
//! - every **reading** of the vocabulary: its noun, cue groups (each found in its scope) and
//!   blockers. A reading holds when its noun and all its groups are found and no blocker is;
//!   its score adds the evidence, nearer words weighing more. The best reading wins.
//!
//! Every step is recorded, so `chiso explain` can say why a number became a figure or not.

use std::cell::OnceCell;
use std::ops::Range;

use crate::catalog::{Catalog, Kind};

use super::mention::{self, Mention, Shape};
use super::vocab::{Hit, Scope, Vocabulary};

/// How far (bytes) a mention's stretch reaches on each side at most.
const REACH: usize = 220;
/// At most this many words between two numbers for them to be items of one list.
const LIST_GAP_WORDS: usize = 8;
/// How far back (bytes) a plan word makes a number a plan.
const PLAN_REACH: usize = 160;
/// How far (bytes) `prev` and `next` words may be from the number.
const TIGHT: usize = 24;

/// What the judge made of one mention.
#[derive(Debug, Clone)]
pub struct Judged {
    pub mention: Mention,
    /// The noun right after the number, as the vocabulary knows it.
    pub noun: Option<Hit>,
    /// The mention's own stretch of the sentence.
    pub window: Range<usize>,
    /// Every reading weighed, with its evidence or why it did not hold.
    pub weighed: Vec<Weighed>,
    pub verdict: Verdict,
}

/// The outcome for one mention.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A figure of a reading's indicator.
    Figure {
        reading: usize,
        value: f64,
        total: Option<f64>,
        confidence: f64,
        /// Why this reading won (over the runner-up, if any).
        why: String,
    },
    /// A built-in blocker ruled out every reading.
    Blocked(String),
    /// No reading held.
    Nothing,
}

/// One reading weighed for a mention.
#[derive(Debug, Clone)]
pub struct Weighed {
    pub reading: usize,
    pub score: f64,
    /// What held, with its weight: ("noun «ĐV»", 1.0), ("near «kết nạp», 9 bytes before", 0.97).
    pub evidence: Vec<(String, f64)>,
    /// Why it did not hold.
    pub failed: Option<String>,
    /// Where its cue words are in the mention's own stretch: a record's quote reaches to them.
    pub reach: Vec<Range<usize>>,
}

/// Wider scopes than the sentence, computed once per document when first needed.
pub struct Wide<'a> {
    vocab: &'a Vocabulary,
    text: &'a str,
    hits: OnceCell<Vec<Hit>>,
    paragraphs: OnceCell<Vec<Range<usize>>>,
    year: OnceCell<Option<i32>>,
    year_of: &'a dyn Fn() -> Option<i32>,
}

impl<'a> Wide<'a> {
    /// `year_of` gives the year the document was written, asked for only when a sentence
    /// names a year it looks towards ("đến năm 2025").
    pub fn new(vocab: &'a Vocabulary, text: &'a str, year_of: &'a dyn Fn() -> Option<i32>) -> Self {
        Wide {
            vocab,
            text,
            hits: OnceCell::new(),
            paragraphs: OnceCell::new(),
            year: OnceCell::new(),
            year_of,
        }
    }

    fn year(&self) -> Option<i32> {
        *self.year.get_or_init(|| (self.year_of)())
    }

    fn all(&self) -> &[Hit] {
        self.hits
            .get_or_init(|| self.vocab.hits(self.text, 0..self.text.len()))
    }

    fn paragraph(&self, at: usize) -> Range<usize> {
        let paras = self.paragraphs.get_or_init(|| {
            let mut out = Vec::new();
            let mut start = 0;
            for line in self.text.split_inclusive('\n') {
                out.push(start..start + line.len());
                start += line.len();
            }
            out
        });
        let i = paras.partition_point(|p| p.end <= at);
        paras.get(i).cloned().unwrap_or(0..self.text.len())
    }
}

/// The judge's view of one sentence.
struct Sentence<'a> {
    vocab: &'a Vocabulary,
    text: &'a str,
    range: Range<usize>,
    hits: Vec<Hit>,
    /// Describe the evidence in words (for `chiso explain`); off on the hot path.
    explain: bool,
}

impl Sentence<'_> {
    /// Hits of `group` inside `r`.
    fn in_range(&self, group: usize, r: Range<usize>) -> impl Iterator<Item = &Hit> {
        self.hits.iter().filter(move |h| {
            h.range.start >= r.start && h.range.end <= r.end && self.vocab.in_group(h.phrase, group)
        })
    }

    /// Whether a negation word stands right before `at` ("chưa là đảng viên").
    fn negated(&self, at: usize) -> bool {
        let neg = self.vocab.sets.negation;
        self.hits.iter().any(|h| {
            h.range.end <= at
                && at - h.range.end <= 14
                && self.vocab.in_group(h.phrase, neg)
                && !between(self.text, h.range.end, at).contains([',', ';', '.', ':'])
        })
    }

    fn quote(&self, h: &Hit) -> &str {
        &self.text[h.range.clone()]
    }

    /// A description for explain, built only when explaining.
    fn say(&self, f: impl FnOnce() -> String) -> String {
        if self.explain {
            f()
        } else {
            String::new()
        }
    }
}

/// Judge every mention of `sentence` (a byte range of `text`). `applies` says whether a
/// reading counts for this document (its plugin applies, no applying plugin disables it); `previous` is the judged mentions of the
/// sentence just before, for parts announced at a sentence's start ("Trong đó, 74 …").
#[allow(clippy::too_many_arguments)]
pub fn judge_sentence(
    vocab: &Vocabulary,
    catalog: &Catalog,
    text: &str,
    sentence: Range<usize>,
    wide: &Wide,
    applies: &dyn Fn(&super::vocab::Reading) -> bool,
    previous: &[Judged],
    explain: bool,
) -> Vec<Judged> {
    let found = mention::find(text, sentence.clone());
    if found.is_empty() {
        return Vec::new();
    }
    let s = Sentence {
        vocab,
        text,
        range: sentence.clone(),
        hits: vocab.hits(text, sentence.clone()),
        explain,
    };
    let sets = &vocab.sets;
    // Names, ordinals and dates ("Nghị quyết số 28", "năm 2022", "khóa 15") are not figures,
    // and do not cut the stretches of the numbers around them either.
    let mut named: Vec<Judged> = Vec::new();
    let mut mentions: Vec<Mention> = Vec::with_capacity(found.len());
    for m in found {
        let right_before = |h: &&Hit| {
            h.range.end <= m.span.start
                && between(text, h.range.end, m.span.start).trim().is_empty()
        };
        // "9 tháng", "5 năm qua": a length of time.
        let longest_at_noun = s
            .hits
            .iter()
            .filter(|h| h.range.start == m.noun_at)
            .max_by_key(|h| h.range.end);
        let duration = longest_at_noun
            .filter(|h| vocab.in_group(h.phrase, sets.durations))
            .map(|h| {
                s.say(|| {
                    format!(
                        "a length of time: «{} {}»",
                        &text[m.span.clone()],
                        s.quote(h)
                    )
                })
            });
        let name = s
            .in_range(sets.identifier_before, sentence.start..m.span.start)
            .find(right_before)
            .map(|h| {
                s.say(|| {
                    format!(
                        "a name, ordinal or date: «{} {}»",
                        s.quote(h),
                        &text[m.value_span.clone()]
                    )
                })
            });
        match name.or(duration) {
            Some(why) => named.push(Judged {
                verdict: Verdict::Blocked(why),
                noun: None,
                window: m.span.clone(),
                weighed: Vec::new(),
                mention: m,
            }),
            None => mentions.push(m),
        }
    }
    if mentions.is_empty() {
        return named;
    }

    // Nouns, and where each mention's stretch ends.
    let nouns: Vec<Option<Hit>> = mentions.iter().map(|m| noun_of(&s, m)).collect();
    let noun_end = |i: usize| {
        nouns[i]
            .as_ref()
            .map_or(mentions[i].span.end, |h| h.range.end)
    };
    let semis: Vec<usize> = text[sentence.clone()]
        .match_indices(';')
        .map(|(i, _)| sentence.start + i)
        .collect();
    let segment = |at: usize| -> Range<usize> {
        let start = semis
            .iter()
            .rev()
            .find(|&&p| p < at)
            .map_or(sentence.start, |p| p + 1);
        let end = semis
            .iter()
            .find(|&&p| p >= at)
            .copied()
            .unwrap_or(sentence.end);
        start..end
    };
    let windows: Vec<Range<usize>> = (0..mentions.len())
        .map(|i| {
            let m = &mentions[i];
            let seg = segment(m.span.start);
            // Numbers in a parenthesis ("27 xã (chiếm 57,4% tổng số xã) đạt chuẩn", "31 xã (trên
            // tổng số 47 xã) được công nhận") do not cut the stretch of a number outside it.
            // Nor does a count of something no reading counts ("71/162 xã (43,8%) cùng hai huyện
            // … được công nhận đạt chuẩn").
            let cuts = |k: usize| {
                let other = mentions[k].shape == Shape::Count
                    && nouns[k]
                        .as_ref()
                        .is_some_and(|n| !vocab.is_reading_noun(n.phrase));
                (!mentions[k].in_parens || m.in_parens) && !other
            };
            let outside = |k: usize| !mentions[k].in_parens || m.in_parens;
            let mut start = seg.start.max(m.span.start.saturating_sub(REACH));
            if let Some(p) = (0..i).rev().find(|&k| outside(k)) {
                // A share sees the noun of the count before it, its likely subject
                // ("412/425 cán bộ, công chức cấp xã đạt chuẩn (96,9%)").
                let from = if m.shape == Shape::Percent && mentions[p].shape == Shape::Count {
                    mentions[p].span.end
                } else {
                    noun_end(p)
                };
                start = start.max(from);
            }
            let mut end = seg.end.min(noun_end(i) + REACH);
            if let Some(n) = (i + 1..mentions.len()).find(|&k| cuts(k)) {
                end = end.min(mentions[n].span.start);
            }
            let end = end.max(noun_end(i));
            floor_char(text, start.min(m.span.start))..ceil_char(text, end)
        })
        .collect();
    // Items of one list: a short gap with a separator, no part-of word, no digits.
    let chained: Vec<bool> = (0..mentions.len())
        .map(|i| {
            if i == 0 {
                return false;
            }
            let gap_range = noun_end(i - 1)..mentions[i].span.start;
            if gap_range.start > gap_range.end {
                return false;
            }
            let gap = between(text, gap_range.start, gap_range.end);
            let words = gap
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count();
            let separated =
                gap.contains([',', ';', '(']) || gap.split_whitespace().any(|w| w == "và");
            // Across a ";" only the shortest gaps: "hiến 401 cây dừa; 16.171m2 đất".
            if gap.contains(';') && words > 3 {
                return false;
            }
            let part = s
                .in_range(sets.subcount, gap_range.clone())
                .next()
                .is_some();
            // Another noun between them ("nữ chiếm 17,3%, cán bộ trẻ chiếm 9,6%") means the
            // second number is about something else.
            let noun_between = s.hits.iter().any(|h| {
                h.range.start >= gap_range.start
                    && h.range.end <= gap_range.end
                    && vocab.is_reading_noun(h.phrase)
                    // "huyện Đắk Song 3/8 xã": a unit named, not a noun counted.
                    && !text[h.range.end..].trim_start().starts_with(char::is_uppercase)
            });
            // "(96,9%)" right after what it is the share of.
            let share_in_parens = mentions[i].shape == Shape::Percent
                && mentions[i].in_parens
                && gap.trim_start().starts_with('(')
                && is_share_gap(gap);
            // A parenthesis between them labels the second ("cán bộ nữ (21,3%), tuổi trẻ
            // (21,7%)"), except between the items of a list "Tân Lập (8/9), Đồng Tâm (11/13)".
            let labelled = gap.contains('(') && mentions[i].list_item.is_none();
            share_in_parens
                || !labelled
                    && words <= LIST_GAP_WORDS
                    && !noun_between
                    && separated
                    && !part
                    && !gap.contains('.')
                    && !gap.chars().any(|c| c.is_ascii_digit())
        })
        .collect();

    let mut out: Vec<Judged> = Vec::with_capacity(mentions.len());
    for (i, m) in mentions.iter().enumerate() {
        let window = windows[i].clone();
        let ne = noun_end(i);
        let mut j = Judged {
            mention: m.clone(),
            noun: nouns[i].clone(),
            window: window.clone(),
            weighed: Vec::new(),
            verdict: Verdict::Nothing,
        };
        if let Some(why) = blocked(&s, m, i, &mentions, &nouns, ne, &window, &segment)
            .or_else(|| target_year(text, segment(m.span.start).start, m.span.start, wide))
        {
            j.verdict = Verdict::Blocked(why);
            out.push(j);
            continue;
        }
        // A number right after "trong đó" with no noun of its own counts the same things as
        // the figure before it: "108 trưởng thôn, trong đó 77 là đảng viên" (77 of 108).
        // Likewise after a frame: "Trong số 24 trưởng bản …, có 19 người là đảng viên".
        let generic = nouns[i].as_ref().is_none_or(|n| {
            matches!(
                s.quote(n).to_lowercase().as_str(),
                "người" | "đồng chí" | "đ/c"
            )
        });
        let inherited = if generic && i > 0 {
            let gap = noun_end(i - 1)..m.span.start;
            let part = gap.start <= gap.end
                && (s.in_range(sets.subcount, gap.clone()).next().is_some()
                    || s.in_range(
                        sets.frame,
                        mentions[i - 1].span.start.saturating_sub(24)..mentions[i - 1].span.start,
                    )
                    .any(|h| {
                        between(text, h.range.end, mentions[i - 1].span.start)
                            .trim()
                            .is_empty()
                    }));
            match (&nouns[i - 1], part) {
                (Some(h), true)
                    if mentions[i - 1].value >= m.value && vocab.is_reading_noun(h.phrase) =>
                {
                    Some((h.clone(), mentions[i - 1].value))
                }
                _ => None,
            }
        } else {
            None
        };
        let ctx = Ctx {
            blocking: std::cell::Cell::new(false),
            s: &s,
            wide,
            mentions: &mentions,
            windows: &windows,
            chained: &chained,
            nouns: &nouns,
            i,
            noun_end: ne,
        };
        for (ri, r) in vocab.readings.iter().enumerate() {
            if !kind_fits(r.kind, m.shape) {
                continue;
            }
            if !applies(r) {
                continue;
            }
            j.weighed.push(weigh(&ctx, ri, inherited.as_ref()));
        }
        j.verdict = decide(vocab, &j.weighed, m, inherited.as_ref().map(|x| x.1));
        out.push(j);
    }

    // A share right after a count ("187 đồng chí, đạt 65,8%"; "2.745 xã (30,76%)") is the
    // share of what the count counts, when the catalogue has such a share.
    for i in 1..out.len() {
        if out[i].mention.shape != Shape::Percent || !matches!(out[i].verdict, Verdict::Nothing) {
            continue;
        }
        let prev = &out[i - 1];
        let Verdict::Figure {
            reading,
            confidence,
            ..
        } = prev.verdict
        else {
            continue;
        };
        // From the count's noun, or from its cue words after it ("1.412/1.508 trưởng thôn là
        // đảng viên, chiếm 93,63%").
        let reach_end = prev
            .weighed
            .iter()
            .find(|w| w.reading == reading)
            .and_then(|w| w.reach.iter().map(|r| r.end).max())
            .unwrap_or(0);
        let gap = between(
            text,
            prev.noun
                .as_ref()
                .map_or(prev.mention.span.end, |h| h.range.end)
                .max(reach_end),
            out[i].mention.span.start,
        );
        if !is_share_gap(gap) {
            continue;
        }
        let count = &vocab.readings[reading].indicator;
        let share = catalog
            .iter()
            .find(|ind| ind.share_of.as_deref() == Some(&**count));
        if let Some(rate) = share {
            if let Some(ri) = vocab.readings.iter().position(|r| *r.indicator == *rate.id) {
                let value = out[i].mention.value;
                out[i].verdict = Verdict::Figure {
                    reading: ri,
                    value,
                    total: None,
                    confidence: round2(confidence * 0.9),
                    why: format!("the share of the {count} figure just before"),
                };
            }
        }
    }

    // And the other way: "x/y" in a parenthesis right after a share restates it as a count
    // ("Trưởng xóm là đảng viên đạt 100% (21/21 xóm)").
    for i in 1..out.len() {
        let m = &out[i].mention;
        if m.total.is_none() || !m.in_parens || matches!(out[i].verdict, Verdict::Figure { .. }) {
            continue;
        }
        let Verdict::Figure {
            reading,
            confidence,
            ..
        } = out[i - 1].verdict
        else {
            continue;
        };
        let gap = between(text, out[i - 1].mention.span.end, m.span.start);
        if out[i - 1].mention.shape != Shape::Percent || gap.trim() != "(" {
            continue;
        }
        let rate = &vocab.readings[reading].indicator;
        let count = catalog
            .get(rate)
            .and_then(|ind| ind.share_of.clone())
            .and_then(|c| vocab.readings.iter().position(|r| *r.indicator == *c));
        if let Some(ri) = count {
            out[i].verdict = Verdict::Figure {
                reading: ri,
                value: m.value,
                total: m.total.filter(|t| *t >= m.value),
                confidence: round2(confidence * 0.9),
                why: format!("the count the {rate} figure just before restates"),
            };
        }
    }

    // Frames: "Trong tổng số 14 xã …, 6 xã đã về đích", "93 xã … trong tổng số 122 xã". A
    // number right after a frame word that is no figure itself is the total of the figure
    // with the same noun in its sentence (when the indicator keeps totals).
    let frame_word: Vec<Option<Hit>> = out
        .iter()
        .map(|j| {
            s.in_range(sets.frame, sentence.start..j.mention.span.start)
                .filter(|h| {
                    between(text, h.range.end, j.mention.span.start)
                        .trim_start_matches(['(', ' '])
                        .is_empty()
                })
                .last()
                .cloned()
        })
        .collect();
    let head = |j: &Judged| -> Option<String> {
        j.noun.as_ref().map(|n| {
            text[n.range.clone()]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_lowercase()
        })
    };
    let mut framed = vec![false; out.len()];
    for i in 0..out.len() {
        let Verdict::Figure {
            reading,
            value,
            total: None,
            ..
        } = out[i].verdict
        else {
            continue;
        };
        if !vocab.readings[reading].total {
            continue;
        }
        let frame = (0..out.len())
            .filter(|&k| {
                k != i
                    && frame_word[k].is_some()
                    && frame_word[i].is_none()
                    && out[k].mention.total.is_none()
                    && (!matches!(out[k].verdict, Verdict::Blocked(_)) || out[k].mention.in_parens)
            })
            .filter(|&k| {
                out[k].mention.value >= value
                    && head(&out[k]).is_some()
                    && head(&out[k]) == head(&out[i])
            })
            .min_by_key(|&k| {
                out[k]
                    .mention
                    .span
                    .start
                    .abs_diff(out[i].mention.span.start)
            });
        if let Some(k) = frame {
            framed[i] = true;
            let t = out[k].mention.value;
            let whole = text[out[k].mention.span.clone()].to_string();
            if let Verdict::Figure { total, why, .. } = &mut out[i].verdict {
                *total = Some(t);
                why.push_str(&format!("; out of «{whole}»"));
            }
            out[k].verdict = Verdict::Blocked(format!(
                "the whole a figure near it is out of («{}»)",
                s.quote(frame_word[k].as_ref().expect("frame"))
            ));
        }
    }

    // Parts: a figure after "trong đó" (or a sentence opening with it), or a later item of
    // the list it opens ("gồm 14 đảng bộ xã và 47 đảng bộ, chi bộ cơ sở"), whose indicator a
    // figure before it already has, is a part of that figure, not a figure of its own. A
    // place named in front of it ("trong đó huyện A kết nạp 98") makes it that place's own.
    let mut part_word: Vec<Option<Hit>> = vec![None; out.len()];
    for i in 0..out.len() {
        let from = if i == 0 {
            sentence.start
        } else {
            out[i - 1]
                .noun
                .as_ref()
                .map_or(out[i - 1].mention.span.end, |h| h.range.end)
        };
        let to = out[i].mention.span.start;
        part_word[i] = if from <= to {
            s.in_range(sets.subcount, from..to).next().cloned()
        } else {
            None
        };
        // A parenthesis' parts stay inside it.
        let inherits = |w: &Option<Hit>| {
            w.clone()
                .filter(|w| w.phrase != usize::MAX || out[i].mention.in_parens)
        };
        if part_word[i].is_none() && i > 0 && chained[i] {
            part_word[i] = inherits(&part_word[i - 1]);
        }
        // "trong đó có 375 ý kiến … và 2.526 ý kiến …": the next part of the same noun in the
        // same segment is a part too.
        if part_word[i].is_none() {
            let head_of = |j: &Judged| {
                j.noun.as_ref().map(|n| {
                    text[n.range.clone()]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_lowercase()
                })
            };
            let mine = head_of(&out[i]);
            let earlier = (0..i)
                .rev()
                .find(|&j| mine.is_some() && head_of(&out[j]) == mine);
            if let Some(j) = earlier {
                let stretch = between(text, out[j].mention.span.end, to);
                if part_word[j].is_some() && !stretch.contains(';') && !stretch.contains(". ") {
                    part_word[i] = inherits(&part_word[j]);
                }
            }
        }
        // "Trong đó, 74 cá nhân …, 186 cá nhân … và 492 cá nhân …": a sentence that opens
        // with a part word lists parts.
        if part_word[i].is_none() && i > 0 {
            if let Some(w) = part_word[0]
                .as_ref()
                .filter(|w| w.range.start - sentence.start <= 12)
            {
                part_word[i] = Some(w.clone());
            }
        }
        // "(21 đảng viên ở khu dân cư, 39 …)": a number in a parenthesis after a figure.
        if part_word[i].is_none()
            && out[i].mention.in_parens
            && out[i].mention.list_item.is_none()
            && out[i].mention.shape != Shape::Percent
            && i > 0
        {
            let open = text[..out[i].mention.span.start].rfind('(').unwrap_or(0);
            // The number the parenthesis follows: the last one before it opened.
            let Some(p) = (0..i).rev().find(|&k| out[k].mention.span.end <= open) else {
                continue;
            };
            // The parenthesis belongs to the number right before it ("có 60 đảng viên (21 …)",
            // "100% kiến nghị của cử tri (168 kiến nghị)"), not to a label ("tỷ lệ cán bộ nữ
            // (21,3%)" after "đổi mới 1/3").
            let prev_end = out[p]
                .noun
                .as_ref()
                .map_or(out[p].mention.span.end, |n| n.range.end);
            let attached =
                prev_end <= open && between(text, prev_end, open).split_whitespace().count() <= 3;
            if attached {
                part_word[i] = Some(Hit {
                    phrase: usize::MAX,
                    range: open..open + 1,
                });
                // After a number that is no figure, a parenthesis is an aside (unless it
                // restates a share: "100% số xã (17/17 xã)").
                let restates = out[p].mention.shape == Shape::Percent
                    && between(text, out[p].mention.span.end, open)
                        .split_whitespace()
                        .count()
                        <= 3;
                if !matches!(out[p].verdict, Verdict::Figure { .. })
                    && matches!(out[i].verdict, Verdict::Figure { .. })
                    && !restates
                {
                    out[i].verdict = Verdict::Blocked("an aside in a parenthesis".into());
                }
            }
        }
        // "Trong số 517 đảng viên được kết nạp …, có 136 người …": what follows the whole in
        // its segment is a part of it.
        if part_word[i].is_none()
            && i > 0
            && !between(text, out[i - 1].mention.span.end, to).contains([';', '.'])
        {
            part_word[i] = frame_word[i - 1].clone();
        }
        if let Some(w) = &part_word[i] {
            if names_a_place(between(text, w.range.end.max(from), to)) {
                part_word[i] = None;
            }
        }
    }
    for i in 0..out.len() {
        let Verdict::Figure { reading, .. } = out[i].verdict else {
            continue;
        };
        if out[i].mention.list_item.is_some() || framed[i] {
            continue;
        }
        let indicator = &vocab.readings[reading].indicator;
        let Some(word) = part_word[i].clone() else {
            continue;
        };
        let my_head = out[i].noun.as_ref().map(|n| {
            text[n.range.clone()]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_lowercase()
        });
        let same = |j: &Judged| match j.verdict {
            Verdict::Figure {
                reading: r, value, ..
            } => vocab.readings[r].indicator == *indicator && value >= out[i].mention.value,
            // A whole that is no figure itself (a plan, say) still has parts of its own noun.
            Verdict::Blocked(_) => {
                j.mention.value >= out[i].mention.value
                    && my_head.is_some()
                    && j.noun.as_ref().map(|n| {
                        text[n.range.clone()]
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_lowercase()
                    }) == my_head
            }
            Verdict::Nothing => false,
        };
        let opens = word.range.start - sentence.start <= 12;
        // A parenthesis is part of the number right before it only.
        let parent = if word.phrase == usize::MAX {
            let anchor = (0..i)
                .rev()
                .find(|&k| out[k].mention.span.end <= word.range.start);
            // A parenthesis after a number that is no figure (nor a share it restates) is an aside.
            if let Some(k) = anchor {
                let restates = out[k].mention.shape == Shape::Percent
                    && between(text, out[k].mention.span.end, word.range.start)
                        .split_whitespace()
                        .count()
                        <= 3;
                if !matches!(out[k].verdict, Verdict::Figure { .. }) && !restates {
                    out[i].verdict = Verdict::Blocked("an aside in a parenthesis".into());
                    continue;
                }
            }
            anchor.is_some_and(|k| same(&out[k]))
        } else {
            out[..i].iter().any(same) || (opens && previous.iter().any(same))
        };
        if parent {
            out[i].verdict = Verdict::Blocked(format!(
                "a part («{}») of a {indicator} figure said just before",
                s.quote(&word)
            ));
        }
    }
    if !named.is_empty() {
        out.extend(named);
        out.sort_by_key(|j| j.mention.span.start);
    }
    out
}

/// Whether the words between a part word and its number name a place of their own ("thị xã
/// Kinh Môn kết nạp", "huyện Ninh Giang"): then the figure is that place's, not a part.
fn names_a_place(between: &str) -> bool {
    const UNITS: [&str; 9] = [
        "huyện",
        "quận",
        "thị xã",
        "thành phố",
        "xã",
        "phường",
        "thị trấn",
        "tỉnh",
        "TP",
    ];
    let words: Vec<&str> = between.split_whitespace().collect();
    // A unit word followed by a capitalised name: "thị xã Kinh Môn".
    let unit = words.windows(2).any(|w| {
        UNITS
            .iter()
            .any(|u| u.eq_ignore_ascii_case(w[0]) || w[0].to_lowercase() == *u)
            && w[1].chars().next().is_some_and(char::is_uppercase)
    }) || words.windows(3).any(|w| {
        UNITS.contains(&format!("{} {}", w[0], w[1]).to_lowercase().as_str())
            && w[2].chars().next().is_some_and(char::is_uppercase)
    });
    // A capitalised name right before the number: "Ninh Giang 87 đảng viên".
    let name_last = words
        .last()
        .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    unit || name_last
}

/// "Đến năm 2025 có 18/21 xã đạt chuẩn": a year the segment looks towards, not yet reached
/// when the document was written, makes a target. A year already past is a result ("Đến năm
/// 2020, huyện đã có …" in a 2023 report); without the document's year, a result needs "đã".
/// "Tính đến năm 2022" (as of) and "từ năm 2016 đến năm 2020" (a span) are not targets.
fn target_year(text: &str, seg_start: usize, at: usize, wide: &Wide) -> Option<String> {
    let lead = between(text, seg_start, at);
    let lower = lead.to_lowercase();
    let (pos, word) = ["đến năm ", "tới năm "]
        .iter()
        .filter_map(|w| lower.rfind(w).map(|p| (p, *w)))
        .max()?;
    let digits: String = lower[pos + word.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let year: i32 = digits.parse().ok().filter(|_| digits.len() == 4)?;
    let before = &lower[..pos];
    let before = before.trim_end();
    if before.ends_with("tính") || before.ends_with("tính từ") {
        return None;
    }
    let mut from = before.len().saturating_sub(40);
    while !before.is_char_boundary(from) {
        from -= 1;
    }
    let recent = &before[from..];
    if recent.contains("từ ") || recent.contains("giai đoạn") || recent.contains("từ năm") {
        return None;
    }
    let after = &lower[pos + word.len() + 4..];
    let says_done = after
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "đã")
        || after.contains("được công nhận");
    let target = match wide.year() {
        Some(d) if year < d => false,
        Some(d) if year > d => true,
        _ => !says_done,
    };
    target.then(|| {
        format!(
            "a target: «{}» before it",
            &lower[pos..pos + word.len() + 4]
        )
    })
}

/// The built-in blockers, in order. `None` when the mention may be a figure.
#[allow(clippy::too_many_arguments)]
fn blocked(
    s: &Sentence,
    m: &Mention,
    i: usize,
    mentions: &[Mention],
    nouns: &[Option<Hit>],
    noun_end: usize,
    window: &Range<usize>,
    segment: &dyn Fn(usize) -> Range<usize>,
) -> Option<String> {
    let sets = &s.vocab.sets;
    let text = s.text;
    let right_before = |h: &Hit| {
        h.range.end <= m.span.start && between(text, h.range.end, m.span.start).trim().is_empty()
    };
    let seg = segment(m.span.start);
    // "tăng 12", "có thêm 9 xã".
    if let Some(h) = s
        .in_range(sets.change_before, seg.start..m.span.start)
        .find(|h| right_before(h))
    {
        return Some(format!("a change: «{}» before it", s.quote(h)));
    }
    // A plan word before it in its segment (and not far), unless a result word comes after
    // the plan word.
    let plan_from = seg.start.max(m.span.start.saturating_sub(PLAN_REACH));
    let plan = s
        .in_range(sets.plan, plan_from..m.span.start)
        .filter(|p| {
            // The noun of another number ("Trong 21 chỉ tiêu …") is not a plan word.
            if nouns
                .iter()
                .flatten()
                .any(|n| n.range.start <= p.range.start && p.range.end <= n.range.end)
            {
                return false;
            }
            // "Quy định 11-QĐi/TW", "Kế hoạch số 25": a document's name, not a plan.
            let after = between(text, p.range.end, m.span.start).trim_start();
            let names_a_document = after.starts_with(|c: char| c.is_ascii_digit())
                || after.to_lowercase().starts_with("số ");
            // "Số chỉ tiêu đạt và vượt …": the targets met, not a plan.
            let right_after = between(text, p.range.end, m.span.start)
                .trim_start()
                .to_lowercase();
            if right_after.starts_with("đạt") || right_after.starts_with("hoàn thành") {
                return false;
            }
            // The plan word governs its own comma clause, or the whole segment when it opens it
            // ("Phấn đấu đến năm 2025, 100% xã …"); "Nghị quyết đề ra, có 18 chỉ tiêu đạt" is a result.
            let same_clause = !between(text, p.range.end, m.span.start).contains(',');
            let lead = between(text, seg.start, p.range.start);
            let clause_lead = lead.rsplit(',').next().unwrap_or(lead);
            let opens = clause_lead.split_whitespace().count() <= 2
                || s.vocab.in_group(p.phrase, sets.plan_segment);
            !names_a_document && (same_clause || opens)
        })
        .last();
    if let Some(p) = plan {
        let reset = s
            .in_range(sets.result, p.range.end..m.span.start)
            .next()
            .is_some();
        if !reset {
            return Some(format!("a plan or target: «{}» before it", s.quote(p)));
        }
    }
    // "đạt 87,7% kế hoạch", "vượt 11,8% mục tiêu": a share of a plan (a count's own noun
    // may be "chỉ tiêu").
    if m.shape != Shape::Count || nouns[i].is_none() {
        let near = noun_end..(noun_end + 16).min(window.end.max(noun_end));
        if let Some(h) = s
            .in_range(sets.plan_after, noun_end..window.end.max(noun_end))
            .find(|h| {
                h.range.start <= near.end
                    && !between(text, noun_end, h.range.start).contains([',', ';', '(', ')', '.'])
            })
        {
            return Some(format!("a share of a plan: «{}» after it", s.quote(h)));
        }
    }
    // "Có 33/63 tỉnh đạt tỷ lệ cấp ủy viên nữ từ 15% trở lên": a share after an "x of y"
    // that it does not restate is the threshold those x reached, not a figure.
    if m.shape == Shape::Percent {
        let threshold = mentions[..i].iter().zip(nouns).any(|(p, noun)| {
            let reached = noun.as_ref().is_some_and(|n| {
                let between_them = between(text, n.range.end, m.span.start);
                between_them
                    .split_whitespace()
                    .any(|w| matches!(w, "đạt" | "có"))
                    && !between_them.contains([';', '('])
            });
            p.span.start >= seg.start
                && reached
                && p.total
                    .is_some_and(|t| t > 0.0 && ((p.value / t * 100.0) - m.value).abs() > 1.0)
        });
        if threshold {
            return Some("the share an «x of y» before it reached, not a figure".into());
        }
    }
    // "12,8% so với cùng kỳ".
    if let Some(h) = s
        .in_range(sets.change_after, noun_end..window.end.max(noun_end))
        .find(|h| h.range.start <= noun_end + 12)
    {
        return Some(format!("a change: «{}» after it", s.quote(h)));
    }
    // "(21 đảng viên ở khu dân cư, 39 …)" after a figure: its parts. ("100% số xã (17/17
    // xã)" says the same figure again.)

    // Any other number in a parenthesis is an aside ("(3.119 kiến nghị, kỳ trước chỉ là
    // 856)"): shares, restatements and list items are taken above.
    let framed = s
        .in_range(sets.frame, seg.start..m.span.start)
        .any(|h| between(text, h.range.end, m.span.start).trim().is_empty());
    if m.in_parens && m.list_item.is_none() && m.shape != Shape::Percent && !framed {
        let open = text[..m.span.start].rfind('(').unwrap_or(0);
        let restates = i > 0
            && mentions[i - 1].shape == Shape::Percent
            && mentions[i - 1].span.end <= open
            && between(text, mentions[i - 1].span.end, open)
                .split_whitespace()
                .count()
                <= 3;
        // After a figure, a number in a parenthesis is one of its parts (decided once readings
        // are known: "(15 xã đạt mức nâng cao)" is a figure of its own kind); with no figure
        // before it, it is an aside.
        let after_a_figure = mentions[..i].iter().any(|p| p.span.end <= open);
        if !restates && !after_a_figure {
            return Some("an aside in a parenthesis".into());
        }
    }
    None
}

/// Everything [`weigh`] needs about the sentence and the mention.
struct Ctx<'a> {
    /// Looking for a blocker's words rather than a cue's.
    blocking: std::cell::Cell<bool>,
    s: &'a Sentence<'a>,
    wide: &'a Wide<'a>,
    mentions: &'a [Mention],
    windows: &'a [Range<usize>],
    chained: &'a [bool],
    nouns: &'a [Option<Hit>],
    i: usize,
    noun_end: usize,
}

impl Ctx<'_> {
    /// The nearest non-negated hit of `group` in `scope` around mention `k`, with its weight
    /// and a description. Local scopes fall back on the neighbours of a list; wider scopes
    /// look near first.
    fn find(&self, group: usize, scope: Scope, k: usize, chain: bool) -> Option<(String, f64)> {
        self.find_at(group, scope, k, chain)
            .map(|(what, weight, _)| (what, weight))
    }

    /// [`Ctx::find`], with the place of the words when they are in the mention's own stretch
    /// (a record's quote reaches to them).
    fn find_at(
        &self,
        group: usize,
        scope: Scope,
        k: usize,
        chain: bool,
    ) -> Option<(String, f64, Option<Range<usize>>)> {
        let m = &self.mentions[k];
        // The items of a list "Tân Lập (8/9), Đồng Tâm (11/13)" have their words on either side.
        let scope = match scope {
            Scope::Before | Scope::After if m.list_item.is_some() => Scope::Near,
            s => s,
        };
        let w = &self.windows[k];
        let ne = self.noun_end_of(k);
        let text = self.s.text;
        let next_start = self.mentions.get(k + 1).map(|n| n.span.start);
        let nearest = |r: Range<usize>, before: bool| -> Option<(usize, &Hit)> {
            if r.start > r.end {
                return None;
            }
            let mut best: Option<(usize, &Hit)> = None;
            for h in self.s.in_range(group, r) {
                if self.s.negated(h.range.start) {
                    continue;
                }
                // Words in a parenthesis opened after the number are an aside ("58 tỷ đồng
                // (trong đó nhân dân đóng góp …)").
                if !before {
                    let gap = between(text, ne, h.range.start);
                    if gap.matches('(').count() > gap.matches(')').count() {
                        continue;
                    }
                }
                // A verb right before the next number, past a comma, is that number's
                // ("… 100.000 lượt cán bộ các cấp, thực hiện luân chuyển 118 cán bộ").
                if !before {
                    if let Some(ns) = next_start.filter(|&ns| ns >= h.range.end) {
                        let to_next = &between(text, h.range.end, ns);
                        let from_us = &between(text, ne.min(h.range.start), h.range.start);
                        if ns - h.range.end <= TIGHT
                            && !to_next.contains([',', ';', '(', ')', '.'])
                            && from_us.contains([',', ';'])
                        {
                            continue;
                        }
                    }
                }
                let d = if before {
                    m.span.start.saturating_sub(h.range.end)
                } else {
                    h.range.start.saturating_sub(ne)
                };
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, h));
                }
            }
            best
        };
        // `prev` / `next`: a few words right by the number, no punctuation between.
        let tight = |(d, h): (usize, &Hit), before: bool| -> bool {
            let gap = if before {
                &between(text, h.range.end, m.span.start)
            } else {
                &between(text, ne, h.range.start)
            };
            d <= TIGHT && !gap.contains([',', ';', '(', ')', ':', '.'])
        };
        // A cue inside the noun phrase ("12/14 xã đạt chuẩn NTM", "205 khu dân cư nông thôn
        // mới kiểu mẫu") is as near as it gets (for cues: a blocker's words are looked for
        // around the noun, not in it — "11 đề xuất, kiến nghị").
        if scope.is_local() && ne > m.span.end && !self.blocking.get() {
            if let Some(h) = self
                .s
                .in_range(group, m.span.end..ne)
                .find(|h| !self.s.negated(h.range.start))
            {
                return Some((
                    self.s.say(|| format!("«{}» in its noun", self.s.quote(h))),
                    1.0,
                    None,
                ));
            }
        }
        let found = match scope {
            Scope::Prev => nearest(w.start..m.span.start, true)
                .filter(|x| tight(*x, true))
                .map(|x| (x, "before")),
            Scope::Next => nearest(ne..w.end, false)
                .filter(|x| tight(*x, false))
                .map(|x| (x, "after")),
            Scope::Before => nearest(w.start..m.span.start, true).map(|x| (x, "before")),
            Scope::After => nearest(ne..w.end, false).map(|x| (x, "after")),
            Scope::Near => {
                let b = nearest(w.start..m.span.start, true);
                let a = nearest(ne..w.end, false);
                match (b, a) {
                    (Some(b), Some(a)) if a.0 < b.0 => Some((a, "after")),
                    (Some(b), _) => Some((b, "before")),
                    (None, Some(a)) => Some((a, "after")),
                    (None, None) => None,
                }
            }
            Scope::Sentence | Scope::Paragraph | Scope::Document => {
                if let Some(x) = self.find_at(group, Scope::Near, k, chain) {
                    return Some(x);
                }
                if let Some(h) = self
                    .s
                    .in_range(group, self.s.range.clone())
                    .find(|h| !self.s.negated(h.range.start))
                {
                    return Some((
                        self.s
                            .say(|| format!("«{}» in the sentence", self.s.quote(h))),
                        0.45,
                        None,
                    ));
                }
                if scope == Scope::Sentence {
                    return None;
                }
                let r = if scope == Scope::Paragraph {
                    self.wide.paragraph(m.span.start)
                } else {
                    0..self.wide.text.len()
                };
                let weight = if scope == Scope::Paragraph { 0.3 } else { 0.2 };
                return self
                    .wide
                    .all()
                    .iter()
                    .find(|h| {
                        h.range.start >= r.start
                            && h.range.end <= r.end
                            && self.s.vocab.in_group(h.phrase, group)
                    })
                    .map(|h| {
                        (
                            self.s.say(|| {
                                format!(
                                    "«{}» in the {}",
                                    &self.wide.text[h.range.clone()],
                                    scope.as_str()
                                )
                            }),
                            weight,
                            None,
                        )
                    });
            }
        };
        if let Some(((d, h), side)) = found {
            let weight = 1.0 - (d.min(160) as f64) / 320.0;
            let own = (k == self.i).then(|| h.range.clone());
            return Some((
                self.s
                    .say(|| format!("«{}» {d} bytes {side}", self.s.quote(h))),
                weight,
                own,
            ));
        }
        if !chain || matches!(scope, Scope::Prev | Scope::Next) {
            return None;
        }
        // An item of a list takes the words of the items before it (their verb, their noun)
        // and, for words after, of the items after it ("95% TCCSĐ và 90% đảng viên hoàn
        // thành tốt …").
        if matches!(scope, Scope::Before | Scope::Near) {
            let mut b = k;
            while b > 0 && self.chained[b] && k - b < 4 {
                b -= 1;
                if let Some((d, h)) = nearest(self.windows[b].start..m.span.start, true) {
                    let weight = (1.0 - (d.min(160) as f64) / 320.0) * 0.75f64.powi((k - b) as i32);
                    let item = &text[self.mentions[b].span.clone()];
                    return Some((
                        self.s.say(|| {
                            format!("«{}» of the list item «{item}» before", self.s.quote(h))
                        }),
                        weight,
                        None,
                    ));
                }
            }
        }
        // Forward only between shares: a count does not borrow the verb of the next count
        // ("Trong số 354 học sinh đủ điều kiện, đã có 210 em được kết nạp").
        let head = |j: usize| {
            self.nouns[j].as_ref().map(|n| {
                self.s
                    .quote(n)
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_lowercase()
            })
        };
        let tight_and = self.mentions.get(k + 1).is_some_and(|n| {
            let gap = between(text, ne, n.span.start).trim();
            gap == "và" || gap == "," || gap.is_empty()
        });
        let parallel = self
            .mentions
            .get(k + 1)
            .is_some_and(|_| head(k).is_some() && head(k) == head(k + 1));
        if matches!(scope, Scope::After | Scope::Near)
            && (m.shape == Shape::Percent || parallel || tight_and)
        {
            let mut f = k + 1;
            while f < self.mentions.len() && self.chained[f] && f - k <= 4 {
                if let Some((d, h)) = nearest(ne..self.windows[f].end, false) {
                    let weight = (1.0 - (d.min(160) as f64) / 320.0) * 0.75f64.powi((f - k) as i32);
                    let item = &text[self.mentions[f].span.clone()];
                    return Some((
                        self.s.say(|| {
                            format!("«{}» of the list item «{item}» after", self.s.quote(h))
                        }),
                        weight,
                        None,
                    ));
                }
                f += 1;
            }
        }
        None
    }

    fn noun_end_of(&self, k: usize) -> usize {
        if k == self.i {
            self.noun_end
        } else {
            self.nouns[k]
                .as_ref()
                .map_or(self.mentions[k].span.end, |h| h.range.end)
        }
    }
}

/// Weigh one reading for mention `ctx.i`.
fn weigh(ctx: &Ctx, ri: usize, inherited: Option<&(Hit, f64)>) -> Weighed {
    let vocab = ctx.s.vocab;
    let r = &vocab.readings[ri];
    let m = &ctx.mentions[ctx.i];
    let mut w = Weighed {
        reading: ri,
        score: 0.0,
        evidence: Vec::new(),
        failed: None,
        reach: Vec::new(),
    };
    let noun = &ctx.nouns[ctx.i];
    // A generic noun ("19 người là đảng viên") gives way to the noun it inherits.
    let noun = match inherited {
        Some((h, _)) if r.nouns.is_some_and(|g| vocab.in_group(h.phrase, g)) => &None,
        _ => noun,
    };
    match (r.nouns, noun) {
        (Some(g), Some(n)) if vocab.in_group(n.phrase, g) => {
            w.evidence
                .push((ctx.s.say(|| format!("noun «{}»", ctx.s.quote(n))), 1.0));
        }
        (Some(_), Some(n)) => {
            w.failed = Some(ctx.s.say(|| {
                format!(
                    "it counts «{}», not {}",
                    ctx.s.quote(n),
                    group_words(vocab, r.nouns)
                )
            }));
            return w;
        }
        (Some(g), None) => {
            // A list item "Tân Lập (8/9)" takes its noun from the list's opening words; a
            // number after "trong đó" from the figure before it.
            let from_list = (m.list_item.is_some() || ctx.chained[ctx.i])
                .then(|| ctx.find(g, Scope::Before, ctx.i, true))
                .flatten();
            match (from_list, inherited) {
                (Some((what, _)), _) if m.list_item.is_some() => w
                    .evidence
                    .push((ctx.s.say(|| format!("noun {what} opening the list")), 0.6)),
                (_, Some((h, _))) if vocab.in_group(h.phrase, g) => w.evidence.push((
                    format!("noun «{}» of the figure it is part of", ctx.s.quote(h)),
                    0.6,
                )),
                _ => {
                    w.failed = Some(
                        ctx.s
                            .say(|| format!("no noun: it needs {}", group_words(vocab, Some(g)))),
                    );
                    return w;
                }
            }
        }
        (None, Some(n)) => {
            // A share or amount with a noun of its own ("98% cử tri") must be about one of
            // the reading's subjects (or, without a list of them, of its cue words).
            let about = match r.subjects {
                Some(g) => vocab.in_group(n.phrase, g),
                None => r.cues.iter().any(|&g| vocab.in_group(n.phrase, g)),
            };
            if vocab.is_noun(n.phrase) && !about {
                w.failed = Some(ctx.s.say(|| format!("it is about «{}»", ctx.s.quote(n))));
                return w;
            }
        }
        (None, None) => {}
    }
    // A total: kept when the indicator has one; a share "x/y" of what has no total is not it.
    // Of an indicator counted as part of a whole, "431/411" (more than the whole) is no
    // figure, unless y is a plan ("3/2 chi bộ theo kế hoạch"). Of one without a total,
    // "phát triển được 195/160 đảng viên" is a result over its target: the value alone.
    if let Some(t) = m.total {
        // "thành lập được 3/5 chi bộ … theo kế hoạch": y is the plan, x the figure.
        let plan_total = ctx
            .s
            .in_range(vocab.sets.plan_after, ctx.noun_end..ctx.windows[ctx.i].end)
            .next()
            .is_some();
        if r.total && m.value > t && m.total_slash && !plan_total {
            w.failed = Some(ctx.s.say(|| {
                format!(
                    "«x/y» with x above y: {} of {} is no part of a whole",
                    crate::record::format_number(m.value),
                    crate::record::format_number(t)
                )
            }));
            return w;
        }
        if !r.total && m.value <= t && m.total_slash && !plan_total {
            w.failed = Some(
                ctx.s
                    .say(|| format!("«x/y» gives a share, and {} has no total", r.indicator)),
            );
            return w;
        }
    }
    for &g in &r.cues {
        let scope = vocab.groups[g].scope;
        // The noun itself may be the cue: "91,8% tổ chức cơ sở đảng …", "16 chi bộ trực thuộc".
        if let Some(n) = noun.as_ref().filter(|n| vocab.in_group(n.phrase, g)) {
            w.evidence.push((
                ctx.s
                    .say(|| format!("{}: the noun «{}»", scope.as_str(), ctx.s.quote(n))),
                1.0,
            ));
            continue;
        }
        match ctx.find_at(g, scope, ctx.i, true) {
            Some((what, weight, at)) => {
                if let Some(at) = at.filter(|_| scope.is_local()) {
                    w.reach.push(at);
                }
                w.evidence
                    .push((ctx.s.say(|| format!("{}: {what}", scope.as_str())), weight))
            }
            None => {
                w.failed = Some(ctx.s.say(|| format!("missing {}", vocab.groups[g].text)));
                return w;
            }
        }
    }
    for &g in &r.blockers {
        let scope = vocab.groups[g].scope;
        // A list item is blocked by what blocks the items it takes its words from.
        let chain = scope == Scope::Before;
        ctx.blocking.set(true);
        let found = ctx.find(g, scope, ctx.i, chain);
        ctx.blocking.set(false);
        if let Some((what, _)) = found {
            w.failed = Some(
                ctx.s
                    .say(|| format!("blocked by {}: {what}", vocab.groups[g].text)),
            );
            return w;
        }
    }
    w.score = w.evidence.iter().map(|e| e.1).sum();
    w
}

/// The winner among the readings that held, and how sure it is.
fn decide(
    vocab: &Vocabulary,
    weighed: &[Weighed],
    m: &Mention,
    inherited_total: Option<f64>,
) -> Verdict {
    let mut held: Vec<&Weighed> = weighed.iter().filter(|w| w.failed.is_none()).collect();
    if held.is_empty() {
        return Verdict::Nothing;
    }
    held.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.evidence.len().cmp(&a.evidence.len()))
            .then_with(|| a.reading.cmp(&b.reading))
    });
    let best = held[0];
    let r = &vocab.readings[best.reading];
    let runner = held
        .iter()
        .find(|w| vocab.readings[w.reading].indicator != r.indicator);
    let mut confidence = 1.0
        - best
            .evidence
            .iter()
            .map(|e| 1.0 - 0.5 * e.1)
            .product::<f64>();
    let why = match runner {
        Some(ru) if ru.score >= 0.85 * best.score => {
            confidence *= 0.7;
            format!(
                "{} ({:.2}) over {} ({:.2}): close",
                r.id, best.score, vocab.readings[ru.reading].id, ru.score
            )
        }
        Some(ru) => format!(
            "{} ({:.2}) over {} ({:.2})",
            r.id, best.score, vocab.readings[ru.reading].id, ru.score
        ),
        None => format!("{} ({:.2}), the only reading that held", r.id, best.score),
    };
    let total = match m.total {
        Some(t) if r.total && m.value <= t => Some(t),
        Some(_) => None,
        None if r.total => inherited_total,
        None => None,
    };
    Verdict::Figure {
        reading: best.reading,
        value: m.value,
        total,
        confidence: round2(confidence.clamp(0.05, 0.99)),
        why,
    }
}

/// The noun right after a mention, past classifiers ("42.000 lượt cán bộ").
fn noun_of(s: &Sentence, m: &Mention) -> Option<Hit> {
    let vocab = s.vocab;
    let mut at = m.noun_at;
    loop {
        let longest = |pred: &dyn Fn(usize) -> bool| {
            s.hits
                .iter()
                .filter(|h| h.range.start == at && pred(h.phrase))
                .max_by_key(|h| h.range.end)
                .cloned()
        };
        if let Some(n) = longest(&|p| vocab.is_noun(p)) {
            return Some(n);
        }
        let c = longest(&|p| vocab.in_group(p, vocab.sets.classifiers))?;
        let rest = &s.text[c.range.end..s.range.end];
        at = c.range.end + (rest.len() - rest.trim_start().len());
    }
}

fn kind_fits(kind: Kind, shape: Shape) -> bool {
    matches!(
        (kind, shape),
        (Kind::Count, Shape::Count)
            | (Kind::Rate, Shape::Percent)
            | (Kind::Money, Shape::Money)
            | (Kind::Area, Shape::Area)
    )
}

/// Whether the words between a count (and its noun) and a percentage make the percentage
/// the count's share: ", đạt 65,8%", " (30,76%)", ", chiếm tỷ lệ 30%".
fn is_share_gap(gap: &str) -> bool {
    let words = gap
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '('))
        .filter(|w| !w.is_empty());
    let mut n = 0;
    for w in words {
        n += 1;
        if !matches!(
            w.to_lowercase().as_str(),
            "chiếm"
                | "đạt"
                | "bằng"
                | "tỷ"
                | "tỉ"
                | "lệ"
                | "là"
                | "khoảng"
                | "với"
                | "gần"
                | "hơn"
                | "trên"
        ) {
            return false;
        }
    }
    n <= 4 && gap.len() <= 40
}

fn group_words(vocab: &Vocabulary, g: Option<usize>) -> String {
    g.map_or(String::new(), |g| {
        let t = &vocab.groups[g].text;
        t.strip_prefix("nouns: ").unwrap_or(t).to_string()
    })
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// `text[a..b]`, or "" when the range is empty, reversed or not on character boundaries: the
/// stretches between numbers are computed and may cross.
fn between(text: &str, a: usize, b: usize) -> &str {
    text.get(a..b).unwrap_or("")
}

#[cfg(test)]
mod tests {
    //! The mechanisms, on a small vocabulary written for these tests (not the shipped one):
    //! what they do must not depend on the words rules/readings.toml happens to hold.
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::diagnostic::Diagnostics;

    const WORDS: &str = r#"
[words]
plan = ["phấn đấu", "kế hoạch", "chỉ tiêu"]
plan_segment = ["phấn đấu"]
result = ["đến nay", "kết quả"]
plan_after = ["kế hoạch"]
negation = ["chưa", "không"]
change_before = ["tăng", "giảm"]
change_after = ["so với"]
increment = ["thêm", "có thêm"]
subcount = ["trong đó"]
identifier_before = ["số", "khóa", "năm"]
frame = ["trong tổng số", "trong số"]
durations = ["năm", "tháng"]
village_heads = ["trưởng thôn", "trưởng bản"]

[[reading]]
indicator = "new_party_members"
id = "t.admitted"
nouns = ["đảng viên", "ĐV", "đảng viên mới", "quần chúng"]
cues = ["near: kết nạp"]

[[reading]]
indicator = "village_heads_party_members"
id = "t.heads"
nouns = ["@village_heads"]
cues = ["after: là đảng viên"]

[[reading]]
indicator = "village_heads_party_member_rate"
id = "t.heads_share"
cues = ["near: @village_heads", "near: là đảng viên"]

[[reading]]
indicator = "ntm_communes"
id = "t.ntm"
nouns = ["xã"]
cues = ["near: đạt chuẩn", "sentence: nông thôn mới"]
blockers = ["before: @increment"]
"#;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn vocabulary(extra: &[(&str, &str)]) -> (Vocabulary, Catalog) {
        let catalog = Catalog::load(&root().join("rules/indicators.toml")).unwrap();
        let lexicon =
            crate::rule::lexicon::Lexicon::load(&root().join("rules/lexicon.toml")).unwrap();
        let mut files = vec![(PathBuf::from("test.toml"), WORDS.to_string(), None)];
        for (plugin, source) in extra {
            files.push((
                Path::new(plugin).join("readings.toml"),
                source.to_string(),
                Some(plugin.to_string()),
            ));
        }
        let mut diags = Diagnostics::default();
        let v = Vocabulary::compile(&files, &catalog, &lexicon, &mut diags);
        assert!(!diags.has_errors(), "{diags}");
        (v, catalog)
    }

    fn judged(v: &Vocabulary, c: &Catalog, text: &str) -> Vec<Judged> {
        let year = || Some(2024);
        let wide = Wide::new(v, text, &year);
        judge_sentence(v, c, text, 0..text.len(), &wide, &|_| true, &[], true)
    }

    /// (indicator, value, total) of every figure.
    fn figures_with(v: &Vocabulary, c: &Catalog, text: &str) -> Vec<(String, f64, Option<f64>)> {
        judged(v, c, text)
            .into_iter()
            .filter_map(|j| match j.verdict {
                Verdict::Figure {
                    reading,
                    value,
                    total,
                    ..
                } => Some((v.readings[reading].indicator.to_string(), value, total)),
                _ => None,
            })
            .collect()
    }

    fn figures(text: &str) -> Vec<(String, f64, Option<f64>)> {
        let (v, c) = vocabulary(&[]);
        figures_with(&v, &c, text)
    }

    fn one(ind: &str, value: f64) -> Vec<(String, f64, Option<f64>)> {
        vec![(ind.to_string(), value, None)]
    }

    #[test]
    fn cue_words_count_in_either_order() {
        for text in [
            "Năm 2023, huyện kết nạp 120 đảng viên.",
            "Năm 2023, huyện có 120 đảng viên mới được kết nạp.",
            "Năm 2023 có 120 quần chúng được xét và kết nạp vào Đảng.",
        ] {
            assert_eq!(figures(text), one("new_party_members", 120.0), "{text}");
        }
    }

    #[test]
    fn a_noun_of_another_reading_rules_it_out() {
        assert_eq!(figures("Huyện kết nạp 120 hội viên."), vec![]);
        assert_eq!(
            figures("Đến nay có 12 xã đạt chuẩn nông thôn mới."),
            { vec![("ntm_communes".to_string(), 12.0, None)] }
        );
    }

    #[test]
    fn a_negated_cue_does_not_count() {
        assert_eq!(figures("Xã còn 5 trưởng thôn chưa là đảng viên."), vec![]);
        assert_eq!(
            figures("Xã có 9 trưởng thôn là đảng viên."),
            one("village_heads_party_members", 9.0)
        );
    }

    #[test]
    fn plans_are_blocked_unless_a_result_follows() {
        let (v, c) = vocabulary(&[]);
        let j = judged(&v, &c, "Phấn đấu năm 2025 kết nạp 200 đảng viên.");
        let blocked: Vec<&Verdict> = j.iter().map(|j| &j.verdict).collect();
        assert!(
            blocked.iter().any(
                |v| matches!(v, Verdict::Blocked(why) if why.to_lowercase().contains("phấn đấu"))
            ),
            "{blocked:?}"
        );
        assert_eq!(
            figures("Thực hiện kế hoạch, kết quả đã kết nạp 210 đảng viên."),
            one("new_party_members", 210.0)
        );
        // A share of the plan is not the figure; the count before it is.
        assert_eq!(
            figures("Huyện kết nạp 240 đảng viên, đạt 104% kế hoạch."),
            one("new_party_members", 240.0)
        );
    }

    #[test]
    fn changes_and_increments_are_not_levels() {
        assert_eq!(
            figures("Huyện kết nạp 120 đảng viên, tăng 15 đảng viên so với năm trước."),
            one("new_party_members", 120.0)
        );
        assert_eq!(
            figures("Năm nay huyện có thêm 3 xã đạt chuẩn nông thôn mới."),
            vec![]
        );
    }

    #[test]
    fn a_part_after_trong_do_is_not_a_second_figure() {
        assert_eq!(
            figures("Huyện kết nạp 120 đảng viên, trong đó 30 đảng viên là nữ."),
            one("new_party_members", 120.0)
        );
    }

    #[test]
    fn totals_come_with_their_value() {
        assert_eq!(
            figures("Huyện có 77 trong tổng số 108 trưởng thôn là đảng viên."),
            vec![("village_heads_party_members".to_string(), 77.0, Some(108.0))]
        );
        assert_eq!(
            figures("Trong tổng số 108 trưởng thôn, có 77 người là đảng viên."),
            vec![]
        );
        assert_eq!(
            figures("Toàn huyện có 17/21 xã đạt chuẩn nông thôn mới."),
            vec![("ntm_communes".to_string(), 17.0, Some(21.0))]
        );
    }

    #[test]
    fn a_list_lends_its_words_to_every_item() {
        assert_eq!(
            figures("Năm 2023, xã A kết nạp 12 đảng viên, xã B 9 đảng viên, xã C 7 đảng viên."),
            vec![
                ("new_party_members".to_string(), 12.0, None),
                ("new_party_members".to_string(), 9.0, None),
                ("new_party_members".to_string(), 7.0, None),
            ]
        );
    }

    #[test]
    fn a_share_reads_its_subject_from_the_cues() {
        assert_eq!(
            figures("Tỷ lệ trưởng thôn là đảng viên đạt 96,5%."),
            one("village_heads_party_member_rate", 96.5)
        );
        // A count is not a share: its shape must fit the indicator's kind.
        assert_eq!(figures("Có 96 trưởng bản."), vec![]);
    }

    #[test]
    fn a_target_year_not_reached_makes_a_target() {
        // The test document is from 2024.
        assert_eq!(
            figures("Đến năm 2025 có 18/21 xã đạt chuẩn nông thôn mới."),
            vec![]
        );
        assert_eq!(
            figures("Đến năm 2020 có 15/21 xã đạt chuẩn nông thôn mới."),
            vec![("ntm_communes".to_string(), 15.0, Some(21.0))]
        );
    }

    #[test]
    fn confidence_grows_with_the_evidence() {
        let (v, c) = vocabulary(&[]);
        let conf = |text: &str| {
            judged(&v, &c, text)
                .into_iter()
                .find_map(|j| match j.verdict {
                    Verdict::Figure { confidence, .. } => Some(confidence),
                    _ => None,
                })
                .unwrap()
        };
        let close = conf("Huyện kết nạp 120 đảng viên.");
        let far = conf("Qua công tác kết nạp, sau nhiều nỗ lực của các chi bộ, có 120 đảng viên.");
        assert!(close > far, "{close} vs {far}");
        assert!((0.0..=1.0).contains(&close) && (0.0..=1.0).contains(&far));
    }

    #[test]
    fn a_plugin_teaches_a_new_phrasing_without_code() {
        let text = "Năm 2023, huyện phát triển được 88 ĐV.";
        assert_eq!(figures(text), vec![]);
        let plugin = r#"
[[reading]]
indicator = "new_party_members"
nouns = ["ĐV"]
cues = ["prev: phát triển được"]
"#;
        let (v, c) = vocabulary(&[("tinh-x", plugin)]);
        assert_eq!(figures_with(&v, &c, text), one("new_party_members", 88.0));
        assert_eq!(
            v.readings.last().unwrap().id,
            "tinh-x.reading.new_party_members.1"
        );
    }

    #[test]
    fn explain_says_what_was_weighed() {
        let (v, c) = vocabulary(&[]);
        let j = judged(&v, &c, "Huyện kết nạp 120 đảng viên.");
        let w = &j[0].weighed;
        let admitted = w
            .iter()
            .find(|w| v.readings[w.reading].id == "t.admitted")
            .unwrap();
        let said: Vec<&str> = admitted.evidence.iter().map(|(s, _)| s.as_str()).collect();
        assert!(said.iter().any(|s| s.contains("đảng viên")), "{said:?}");
        assert!(said.iter().any(|s| s.contains("kết nạp")), "{said:?}");
    }
}
