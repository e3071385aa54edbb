//! Parsing and joining a 10,000-member `Group/getGroupAgentRelation` answer:
//! the work the app does between the bytes arriving and the list showing.
//!
//! `cargo bench --bench group_relation` (criterion; figures in target/criterion).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use deepcall_desk::deepcall::group::RawGroupRelation;
use deepcall_desk::deepcall::{read_response, Module};
use serde_json::{json, Value};

/// An answer shaped like the vendor's example, with `n` members, the same
/// agents in `agentData` (plus the 11 of the seed), and repeated names.
fn answer(n: usize) -> Vec<u8> {
    let names = ["bhawesh", "Manoj Kumar111", "Priya Sharma", "Amit Das"];
    let agent_data: Vec<Value> = (0..n + 11)
        .map(|i| json!({"name": names[i % names.len()], "unique_id": 100_000 + i, "user_id": "29791451"}))
        .collect();
    let relation_data: Vec<Value> = (0..n)
        .map(|i| {
            json!({"group_id": 9000, "agent_id": 100_000 + i,
                        "receive_call": if i % 3 == 2 { "N" } else { "Y" }, "user_id": "29791451"})
        })
        .collect();
    let agents: Vec<String> = (0..n)
        .map(|i| format!("#{} {}", 100_000 + i, names[i % names.len()]))
        .collect();
    serde_json::to_vec(&json!({
        "status": "success",
        "response": {
            "groupData": {"name": "Large group", "user_id": "29791451", "create_by": "29791451",
                          "unique_id": 9000, "status": 1, "create_date": 1750000000, "agents": agents},
            "agentData": agent_data,
            "relationData": relation_data,
        },
        "code": 200
    }))
    .expect("serializable")
}

/// What `Client::group_members` does with the answer's bytes: `call_for`
/// reads them with `read_response`, then the members are joined.
fn parse_and_join(bytes: &[u8]) -> usize {
    read_response::<RawGroupRelation>(Module::Group, 200, bytes)
        .expect("success answer")
        .expect("parses")
        .join()
        .members
        .len()
}

fn bench(c: &mut Criterion) {
    let bytes = answer(10_000);
    assert_eq!(parse_and_join(&bytes), 10_000);
    let mut group = c.benchmark_group("getGroupAgentRelation");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("parse_and_join_10000_members", |b| {
        b.iter(|| parse_and_join(black_box(&bytes)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
