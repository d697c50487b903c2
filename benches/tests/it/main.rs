//! The class-based matrix the benches time is exact: on generated
//! scenarios (every profile, and small bench topologies), every cell of
//! `Engine::matrix` equals a probe traced on its own (`Engine::cell`).

use awsreach_gen::{GenOptions, Profile};
use awsreach_sim::Engine;

fn assert_exact(what: &str, spec: &awsreach_model::ScenarioSpec) {
    let checked = awsreach_model::validate(spec).expect("generated scenarios validate");
    let e = Engine::new(checked.scenario);
    let (rows, cols) = (e.sources(), e.destinations());
    let m = e.matrix(&rows, &cols);
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in cols.iter().enumerate() {
            assert_eq!(
                m.get(i, j),
                e.cell(*r, *c),
                "{what}: {} -> {}",
                e.node_name(*r),
                e.node_name(*c)
            );
        }
    }
}

#[test]
fn matrix_is_exact_on_generated_scenarios() {
    for seed in 0..12 {
        for profile in Profile::ALL {
            let opts = GenOptions::new(profile, seed);
            assert_exact(
                &format!("{profile} seed {seed}"),
                &awsreach_gen::generate(&opts),
            );
        }
    }
}

#[test]
fn matrix_is_exact_on_small_bench_topologies() {
    for seed in 0..3 {
        assert_exact(
            &format!("bench_topology(150, {seed})"),
            &awsreach_gen::bench_topology(150, seed),
        );
    }
}
