//! Tests of the story: the sentence builders and the chosen lines on
//! synthetic runs.

use super::*;
use crate::world::Month;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn bans() {
    assert_eq!(
        ban_sentence("2023-10-17", &s(&["A800", "H800"]), Some(14), Some(0)),
        "the US bans the A800 and H800 (rule 2023-10-17); 14 orders cancelled and refunded."
    );
    assert_eq!(
        ban_sentence("2022-10-07", &s(&["A100"]), Some(1), Some(36_000)),
        "the US bans the A100 (rule 2022-10-07); 1 order cancelled and refunded; firms still hold 36,000 banned chips."
    );
    assert_eq!(
        ban_sentence("r", &[], Some(0), None),
        "US rule r takes effect (it bans no chip that was not banned already); no pending order is cancelled."
    );
    assert_eq!(
        in_force_sentence("2022-10-07", &s(&["A100", "H100"])),
        "US rule 2022-10-07 is already in force: the A100 and H100 cannot be bought."
    );
    assert_eq!(
        announce_sentence("x", &s(&["H20"]), "2025-04"),
        "the US announces rule x: the H20 will be banned from 2025-04."
    );
}

#[test]
fn stockpile_grey_and_loans() {
    assert_eq!(
        stockpile_sentence("2023-10-17", &s(&["A800"]), 1600.0, 4, 2.14),
        "the giants stockpile ahead of rule 2023-10-17: $1.6bn of A800 ordered in the 4 months before it takes effect, 2.1× their earlier monthly chip spending."
    );
    assert_eq!(
        grey_sentence("Entrant 4", 5, "H100", 1484),
        "the grey market opens: Entrant 4 buys 5 banned H100 at a premium (the first of 1,484 grey-market purchases)."
    );
    assert_eq!(
        first_loan_sentence("01.AI", "Compute Credit Partners", 2.5757, 67, Some("H800"), 50),
        "01.AI takes the first of its 50 chip-backed loans: $2.6M from Compute Credit Partners against 67 H800 as collateral."
    );
    assert_eq!(
        first_loan_sentence("X", "Bank", 12.0, 3, None, 1),
        "X takes a chip-backed loan: $12M from Bank against 3 chips as collateral."
    );
    assert_eq!(
        repaid_sentence("01.AI", 4, 9.7, Some(1345.0)),
        "01.AI repays 4 chip loans ($9.7M in all) after a round at a $1.3bn valuation."
    );
    assert_eq!(
        repaid_sentence("01.AI", 1, 2.5757, Some(1044.0)),
        "01.AI repays its chip loan ($2.6M) after a round at a $1bn valuation."
    );
    assert_eq!(
        default_sentence("Y", "Bank", 20.0, 300),
        "Y defaults on a $20M chip loan: Bank seizes 300 chips and sells them."
    );
    assert_eq!(
        default_sentence("Y", "Bank", 20.0, 0),
        "Y defaults on a $20M chip loan from Bank as it goes under."
    );
}

#[test]
fn rounds_and_deals() {
    assert_eq!(
        round_sentence("MiniMax", "Alibaba Strategic", 329.864, Some(2199.0)),
        "MiniMax raises $330M from Alibaba Strategic at a $2.2bn valuation."
    );
    assert_eq!(round_sentence("A", "B", 0.7098, None), "A raises $0.7M from B.");
    let t = deal_terms(&Payload::Acquisition { researchers: 40, chips: 900, users_pct: 2.3 }, 0);
    assert_eq!(t, DealTerms { researchers: 40, chips: Some(900), users_pct: Some(2.3) });
    assert_eq!(
        acquisition_sentence("Tencent", "Nova AI", 120.0, t),
        "Tencent acquires Nova AI for $120M: 40 researchers, 900 chips and 2.3% of the users move."
    );
    let t = deal_terms(&Payload::Acquisition { researchers: 30, chips: 35, users_pct: 0.0 }, 0);
    assert_eq!(
        acquisition_sentence("Baidu", "Startup 72", 173.0243, t),
        "Baidu acquires Startup 72 for $173M: 30 researchers and 35 chips move."
    );
    assert_eq!(
        acquisition_sentence("B", "T", 5.0, deal_terms(&Payload::TalentMove, 7)),
        "B acquires T for $5M: 7 researchers move."
    );
    assert_eq!(
        more_acquisitions_sentence(3, 450.0, &s(&["Baidu", "Tencent"])),
        "3 more firms are bought by Baidu and Tencent, for $450M in all."
    );
    assert_eq!(more_acquisitions_sentence(1, 45.0, &[]), "1 more firm is bought, for $45M in all.");
}

#[test]
fn exits_entries_quarters() {
    assert_eq!(
        exit_sentence(&s(&["Startup 91"]), 129, 23, false),
        "Startup 91 goes under: 129 chips sold at a haircut, 23 researchers back to the pools."
    );
    assert_eq!(
        exit_sentence(&s(&["A", "B", "C"]), 1, 1, false),
        "3 firms go under (A, B and C): 1 chip sold at a haircut, 1 researcher back to the pools."
    );
    assert_eq!(
        exit_sentence(&s(&["A", "B", "C", "D", "E", "F"]), 10, 20, false),
        "6 firms go under (A, B, C and 3 others): 10 chips sold at a haircut, 20 researchers back to the pools."
    );
    // a solvent firm that chooses to stop closes; it does not go under
    assert_eq!(
        exit_sentence(&s(&["Startup 11"]), 21, 58, true),
        "Startup 11 closes: 21 chips sold at a haircut, 58 researchers back to the pools."
    );
    assert_eq!(
        exit_sentence(&s(&["A", "B"]), 2, 3, true),
        "2 firms close (A and B): 2 chips sold at a haircut, 3 researchers back to the pools."
    );
    assert_eq!(
        entry_sentence("Red Lantern AI", &Payload::Entry { tier: Tier::Startup, researchers: 50, chips: 64 }),
        "Red Lantern AI enters the market: a funded start-up with 50 researchers and 64 chips."
    );
    assert_eq!(
        entry_sentence("Tiny Token", &Payload::Entry { tier: Tier::Small, researchers: 14, chips: 16 }),
        "Tiny Token enters the market: a small start-up with 14 researchers and 16 chips."
    );
    assert_eq!(entry_sentence("X", &Payload::TalentMove), "X enters the market.");
    assert_eq!(quarter_sentence(27, 0, 0.0, false).unwrap(), "27 new start-ups enter.");
    assert_eq!(
        quarter_sentence(1, 5, 210.0, true).unwrap(),
        "1 new start-up enters; 5 other funding rounds raise $210M."
    );
    assert_eq!(quarter_sentence(0, 1, 2.0, false).unwrap(), "1 funding round raises $2M.");
    assert_eq!(quarter_sentence(0, 0, 0.0, true), None);
}

#[test]
fn stockpiling_shows_as_a_surge_of_giants_orders() {
    use crate::view::facts::fixture::{event, run};
    let n = 16;
    let hhi = vec![2000.0; n];
    let firms = vec![1; n];
    // the giant spends $10M a month on A100s, then $40M a month on H800s
    // in the two months before a rule bans the H800 in month 14
    let order = |m: u32| Payload::ChipOrder { due: Month::new(2022, 1).plus(m as i32 + 3) };
    let mut events: Vec<EventRec> = (0..12).map(|m| event(m, "G", "A100", 1000, 10.0, order(m))).collect();
    events.push(event(12, "G", "H800", 1300, 40.0, order(12)));
    events.push(event(13, "G", "H800", 1300, 40.0, order(13)));
    events.push(event(14, "r", "H800", 0, 0.0, Payload::RuleAnnounced));
    events.push(event(14, "r", "H800", 0, 0.0, Payload::RuleEffective { orders_cancelled: 2 }));
    let data = run(&hhi, &firms, &[], events.clone());
    let story = story(&data);
    let line = story.iter().find(|(_, s)| s.contains("stockpile")).expect("a stockpiling line");
    assert_eq!(line.0, "2023-01");
    assert_eq!(
        line.1,
        "the giants stockpile ahead of rule r: $80M of H800 ordered in the 2 months before it takes effect, 4.0× their earlier monthly chip spending."
    );
    assert!(
        story.iter().any(|(d, s)| d == "2023-03" && s.starts_with("the US bans the H800 (rule r); 2 orders"))
    );

    // the same orders spread evenly are no surge
    let even: Vec<EventRec> = events
        .iter()
        .map(|e| {
            if e.kind() == EventKind::ChipOrder && e.target == "H800" {
                event(e.month, "G", "H800", 1, 10.0, order(e.month))
            } else {
                e.clone()
            }
        })
        .collect();
    let data = run(&hhi, &firms, &[], even);
    assert!(!story_has(&data, "stockpile"));
}

fn story_has(data: &RunData, word: &str) -> bool {
    story(data).iter().any(|(_, s)| s.contains(word))
}

#[test]
fn quarters_rounds_and_deals_are_aggregated() {
    use crate::view::facts::fixture::{event, run};
    let n = 6;
    let entry = || Payload::Entry { tier: Tier::Small, researchers: 10, chips: 0 };
    let deal = || Payload::Acquisition { researchers: 10, chips: 5, users_pct: 0.0 };
    let data = run(
        &vec![2000.0; n],
        &vec![5; n],
        &[],
        vec![
            event(0, "Startup 1", "", 10, 1.0, entry()),
            event(1, "Startup 2", "", 10, 1.0, entry()),
            event(1, "VC", "Startup 2", 0, 3.0, Payload::FundingRound { post_money_musd: 20.0 }),
            event(1, "VC", "Startup 1", 0, 250.0, Payload::FundingRound { post_money_musd: 1500.0 }),
            event(4, "G", "Startup 1", 10, 50.0, deal()),
            event(4, "G", "Startup 2", 10, 30.0, deal()),
            event(4, "H", "Startup 3", 10, 20.0, deal()),
        ],
    );
    let story = story(&data);
    let find =
        |d: &str| -> Vec<&str> { story.iter().filter(|(x, _)| x == d).map(|(_, s)| s.as_str()).collect() };
    // the larger round first; the three largest of a run are told even when small
    assert_eq!(
        find("2022-02"),
        vec![
            "Startup 1 raises $250M from VC at a $1.5bn valuation.",
            "Startup 2 raises $3M from VC at a $20M valuation."
        ]
    );
    assert_eq!(find("2022 Q1"), vec!["2 new start-ups enter."]);
    assert_eq!(
        find("2022-05"),
        vec![
            "G acquires Startup 1 for $50M: 10 researchers and 5 chips move.",
            "2 more firms are bought by G and H, for $50M in all."
        ]
    );
    let notable = notable_events(&data);
    assert_eq!(notable.iter().filter(|e| e.kind() == EventKind::Acquisition).count(), 3);
    assert_eq!(notable.iter().filter(|e| e.kind() == EventKind::FundingRound).count(), 2);
    assert_eq!(
        notable.iter().filter(|e| e.kind() == EventKind::Entry).count(),
        0,
        "cohort entries are counted, not listed"
    );
}

#[test]
fn phase() {
    assert_eq!(
        phase_sentence(1912.4, 1800.0, 60, 92, "2024-03", 18, None),
        "the consolidation phase begins: HHI 1,912 (at least 1,800) in the foundation-model market and 60 independent labs, 35% below their peak of 92 in 2024-03; it lasts 18 months, to the end of the run."
    );
    assert!(phase_sentence(2000.0, 1800.0, 6, 10, "2023-01", 7, Some("2024-06")).ends_with("until 2024-06."));
}

#[test]
fn model_market_sentences() {
    assert_eq!(token_price(1.0 / 7.2), "$0.14");
    assert_eq!(token_price(2.5), "$2.5");
    assert_eq!(token_price(0.00312), "$0.0031");
    assert_eq!(token_price(0.0), "nothing");
    assert_eq!(
        price_cut_sentence("Tencent", Some("DeepSeek"), 0.6102, 0.1366, true),
        "Tencent cuts its token price 78%, from $0.61 to $0.14 per million tokens, defending its share against DeepSeek."
    );
    assert_eq!(
        price_cut_sentence("Baichuan", None, 1.0, 0.7, false),
        "Baichuan cuts its token price 30%, from $1.0 to $0.70 per million tokens, following its own costs (not a defence)."
    );
    assert_eq!(
        more_cuts_sentence(&s(&["Startup 5", "Startup 10", "Startup 21", "Startup 37", "Startup 92"]), 5),
        "5 more labs (Startup 5, Startup 10 and 3 others) cut their token prices, all defending their share."
    );
    assert_eq!(more_cuts_sentence(&s(&["A"]), 0), "1 more lab (A) cuts its token price.");
    let war = PriceWar {
        giant: "Tencent",
        rival: Some("DeepSeek"),
        before_usd_mtok: 0.5,
        after_usd_mtok: 0.05,
        months: 6,
        cutters: 9,
    };
    assert_eq!(
        price_war_sentence(&war),
        "the price war begins: Tencent is the first giant to cut its token price to defend its share against DeepSeek. Within 6 months the market's token price falls 90%, from $0.50 to $0.050 per million tokens; 9 labs cut their prices in that time."
    );
    assert_eq!(
        pivot_sentence(&s(&["Startup 9"]), 9, 20, 36),
        "Startup 9 leaves the foundation-model market to build applications on others' models: it keeps 9 researchers, lays off 20 and sells 36 chips."
    );
    assert_eq!(
        pivot_sentence(&s(&["A", "B", "C", "D", "E"]), 30, 1200, 1),
        "5 labs leave the foundation-model market to build applications on others' models (A, B, C and 2 others): they keep 30 researchers, lay off 1,200 and sell 1 chip."
    );
    assert_eq!(
        team_transfer_sentence("Moonshot AI", "Alibaba", 120, 43.2),
        "Moonshot AI hands its team of 120 researchers to Alibaba for $43M and closes."
    );
    // labs matching the same rival in the same month read as one line
    assert_eq!(
        matched_cuts_sentence(&s(&["Baidu", "Tencent"]), "DeepSeek", &[0.4, 0.4], &[0.11, 0.12]),
        "Baidu and Tencent cut their token prices 70%–73%, to $0.11–$0.12 per million tokens, defending their shares against DeepSeek."
    );
    // a wave of acqui-hires by one giant reads as one line
    assert_eq!(
        teams_transfer_sentence(&s(&["A", "B", "C", "D", "E"]), "Alibaba", 240, 30.0),
        "5 labs hand their teams to Alibaba and close (A, B, C and 2 others): 240 researchers for $30M in all."
    );
    assert_eq!(
        cancelled_repaid_sentence("01.AI", 1, 2.5757),
        "01.AI repays its chip loan ($2.6M) from the refund of an order the rule cancelled."
    );
    assert_eq!(
        cancelled_repaid_sentence("01.AI", 3, 9.7),
        "01.AI repays 3 chip loans ($9.7M in all) from the refunds of orders the rule cancelled."
    );
    assert_eq!(
        open_weights_sentence("DeepSeek", 7.44, 10.2),
        "DeepSeek publishes its models' weights: with a lag, its releases raise the open-weight floor that every lab's own model must beat (now 7.4 points; the frontier is at 10.2)."
    );
    assert_eq!(
        open_weights_sentence("Baichuan", 0.0, 8.6),
        "Baichuan publishes its models' weights: with a lag, its releases raise the open-weight floor that every lab's own model must beat (no open model counts yet; the frontier is at 8.6 points)."
    );
    assert_eq!(
        labs_left_sentence(&s(&["Alibaba", "DeepSeek"]), &[0.6, 0.4], 2),
        "2 labs are left in the foundation-model market, by share of tokens served: Alibaba 60%, DeepSeek 40%."
    );
    assert_eq!(
        labs_left_sentence(
            &s(&["A", "B", "C", "D", "E", "F", "G"]),
            &[0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05],
            13
        ),
        "13 labs are left in the foundation-model market, by share of tokens served: A 30%, B 20%, C 20%, D 10%, E 10%, F 5%, and 7 others share the rest."
    );
    assert_eq!(
        token_market_end_sentence(0.01725, 0.0314, 2937.2),
        "the token price ends at $0.017 per million tokens (3% of its base) and the labs serve 2,937 trillion tokens a month."
    );
}

/// A run with a price war, pivots, a team transfer, a closure and a loan
/// repaid from a cancelled order: the story tells each.
#[test]
fn the_story_tells_the_model_market() {
    use crate::view::facts::fixture::{event, run};
    let n = 12;
    let cut = |from: f64, to: f64, defending: bool| Payload::PriceCut {
        from_usd_mtok: from,
        to_usd_mtok: to,
        defending,
    };
    let mut data = run(
        &vec![2000.0; n],
        &vec![5; n],
        &[],
        vec![
            event(2, "01.AI", "Lender", 0, 2.5, Payload::LoanRepaid { when: Repayment::OrderCancelled }),
            event(3, "DeepSeek", "DeepSeek", 0, 0.0, cut(1.0, 0.5, false)),
            event(4, "Startup 7", "DeepSeek", 0, 0.0, cut(0.8, 0.3, true)),
            event(5, "G", "DeepSeek", 0, 0.0, cut(0.9, 0.2, true)),
            event(6, "Startup 8", "", 4, 0.3, Payload::Pivot { kept: 4, laid_off: 10, chips_sold: 30 }),
            event(7, "Startup 9", "G", 25, 9.0, Payload::TeamTransfer { researchers: 25 }),
            event(
                8,
                "Startup 10",
                "",
                12,
                0.1,
                Payload::Exit { chips_sold: 5, researchers: 12, closed: true },
            ),
            event(
                8,
                "Startup 11",
                "",
                3,
                0.0,
                Payload::Exit { chips_sold: 0, researchers: 3, closed: false },
            ),
        ],
    );
    for (t, m) in data.months.iter_mut().enumerate() {
        m.token_price_usd_mtok = if t < 5 { 1.0 } else { 0.1 };
        m.token_volume_ttok = 10.0 * (t + 1) as f64;
    }
    let story = story(&data);
    let at =
        |d: &str| -> Vec<&str> { story.iter().filter(|(x, _)| x == d).map(|(_, s)| s.as_str()).collect() };
    assert_eq!(
        at("2022-03"),
        vec!["01.AI repays its chip loan ($2.5M) from the refund of an order the rule cancelled."]
    );
    assert_eq!(
        at("2022-04"),
        vec![
            "DeepSeek cuts its token price 50%, from $1.0 to $0.50 per million tokens, following its own costs (not a defence)."
        ]
    );
    assert_eq!(at("2022-05"), vec!["1 more lab (Startup 7) cuts its token price, defending its share."]);
    let war = at("2022-06");
    assert_eq!(war.len(), 2, "{war:?}");
    assert!(war[0].starts_with("G cuts its token price 78%"), "{war:?}");
    assert_eq!(
        war[1],
        "the price war begins: G is the first giant to cut its token price to defend its share against DeepSeek. Within 6 months the market's token price falls 90%, from $1.0 to $0.10 per million tokens; no other lab cuts."
    );
    // a cohort lab's pivot is counted in its quarter
    assert!(at("2022 Q3")[0].starts_with("Startup 8 leaves the foundation-model market"), "{story:?}");
    assert_eq!(at("2022-08"), vec!["Startup 9 hands its team of 25 researchers to G for $9M and closes."]);
    assert_eq!(
        at("2022-09"),
        vec![
            "Startup 11 goes under: 0 chips sold at a haircut, 3 researchers back to the pools.",
            "Startup 10 closes: 5 chips sold at a haircut, 12 researchers back to the pools."
        ]
    );
    let end = at("2022-12");
    assert!(end.iter().any(|s| s.starts_with("the run ends with 5 independent labs")), "{end:?}");
    assert!(
        end.contains(&"5 labs are left in the foundation-model market, by share of tokens served: G 50%, and 4 others share the rest."),
        "{end:?}"
    );
    assert!(end.iter().any(|s| s.starts_with("the token price ends at $0.10 per million tokens")), "{end:?}");
    // the timeline table lists the team transfer and the named lab's cut, not the cohort's
    let notable = notable_events(&data);
    assert!(notable.iter().any(|e| e.kind() == EventKind::TeamTransfer));
    assert!(notable.iter().any(|e| e.kind() == EventKind::PriceCut && e.actor == "G"));
    assert!(!notable.iter().any(|e| e.kind() == EventKind::PriceCut && e.actor == "Startup 7"));
}

#[test]
fn no_giant_defends_no_price_war() {
    use crate::view::facts::fixture::run;
    let data = run(&[2000.0; 3], &[5; 3], &[], Vec::new());
    assert!(story_has(&data, "there is no price war"));
    assert!(!story_has(&data, "the price war begins"));
}
