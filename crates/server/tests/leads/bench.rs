//! Part (d) of `oubli-server bench`, small: lead intake over HTTP on loopback (a real
//! listener, keep-alive connections), on the test backend. Counts, not timing: every
//! lead sent is answered 201 and stored once, with the production minimum fill time.

use crate::common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_intake_bench_stores_every_lead() {
    let t = TestApp::new().await;
    let db = t.state.db.clone();
    let r = oubli_server::bench::lead_intake(&db, t.dir.path(), 50, 4, 8)
        .await
        .expect("part (d) runs");
    assert_eq!(r.batch, 8);
    assert_eq!(r.sent, 50);
    assert_eq!(r.errors, 0, "{r:?}");
    assert_eq!(r.accepted, 50, "{r:?}");
    assert_eq!(r.contacts, 50, "each lead a new contact: {r:?}");
    assert_eq!(r.projects, 50, "{r:?}");
    assert_eq!(r.cgu_consents, 50, "{r:?}");
    assert!(r.all_stored());
    assert!(r.p50_ms > 0.0 && r.p99_ms >= r.p50_ms, "{r:?}");
    // The raised windows belong to the bench's own server; the product's stay.
    assert!(r.per_address > oubli_domain::LEADS_PER_ADDRESS_PER_MINUTE);
    assert_eq!(
        t.state.cfg.leads_per_address,
        oubli_domain::LEADS_PER_ADDRESS_PER_MINUTE
    );
    assert_eq!(t.state.cfg.lead_min_fill_ms, oubli_domain::MIN_FILL_MS);
}
