//! Resolver throughput on realistic caller phrases (target: 100,000 phrases/s on one
//! core). Run: `cargo bench -p askpro-german`.

use askpro_german::resolve;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const PHRASES: &[&str] = &[
    "Sonnabend um Viertel drei",
    "übermorgen vormittags",
    "den dritten Zwölften",
    "heuer im Dezember",
    "nächste Woche Dienstag so gegen halb vier",
    "in acht Tagen",
    "zwischen 14 und 16 Uhr",
    "ab 15 Uhr",
    "morgen um drei",
    "am Freitag um 10",
    "fünf vor halb drei",
    "am 3.12. um 14:30",
    "Montagvormittag",
    "Ende nächster Woche",
    "an Heiligabend",
    "am Dienstag um Blumenkohl",
];

fn bench_resolve(c: &mut Criterion) {
    let now: jiff::ZonedDateTime = "2026-11-26T10:00:00[Europe/Berlin]"
        .parse()
        .expect("reference");
    let mut group = c.benchmark_group("resolve");
    group.throughput(Throughput::Elements(PHRASES.len() as u64));
    group.bench_function("caller_phrases", |b| {
        b.iter(|| {
            for phrase in PHRASES {
                black_box(resolve(black_box(phrase), &now));
            }
        })
    });
    // Every phrase of the three corpora: plain phrases, whole caller sentences, and the
    // regional forms, corrections and sentences around the time (part two).
    let corpus: Vec<(String, jiff::ZonedDateTime)> = ["phrases", "conversational", "regional"]
        .iter()
        .flat_map(|name| {
            let path = format!("{}/tests/corpus/{name}.jsonl", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(path)
                .expect("corpus")
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter_map(|line| {
            let case: serde_json::Value = serde_json::from_str(&line).ok()?;
            let zone = jiff::tz::TimeZone::get(case["tz"].as_str()?).ok()?;
            let local: jiff::civil::DateTime = case["ref"].as_str()?.parse().ok()?;
            let now = zone.to_ambiguous_zoned_datetime(local).compatible().ok()?;
            Some((case["text"].as_str()?.to_owned(), now))
        })
        .collect();
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("mixed_corpus", |b| {
        b.iter(|| {
            for (phrase, now) in &corpus {
                black_box(resolve(black_box(phrase), now));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_resolve);
criterion_main!(benches);
