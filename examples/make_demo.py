"""Generate ``demo-pipeline.json``: six months of a solo B2B rep's pipeline (seeded, reproducible).

    python examples/make_demo.py            # rewrites examples/demo-pipeline.json

Dates are written relative to ANCHOR; ``salespipe demo`` shifts them so that ANCHOR is today.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

ANCHOR = date(2026, 11, 26)
SEED = 20261126
N_DEALS = 120

FIRST = ["Anna", "Jonas", "Lea", "Felix", "Marie", "Lukas", "Sophie", "Paul", "Hannah", "Max",
         "Emma", "Leon", "Mia", "Ben", "Laura", "Tim", "Julia", "Jan", "Sarah", "Niklas", "Katrin",
         "Tobias", "Sabine", "Markus", "Petra", "Stefan", "Claudia", "Andreas", "Birgit", "Thomas"]
LAST = ["Berger", "Schmidt", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Klein",
        "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
        "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Maier", "Huber", "Fuchs", "Vogel"]
COMPANY_A = ["Berg", "Nord", "Alpen", "Rhein", "Isar", "Elb", "Main", "Donau", "Hansa", "Spree",
             "Weser", "Neckar", "Harz", "Eifel", "Taunus", "Ostsee", "Baltic", "Linden"]
COMPANY_B = ["werk", "tech", "logistik", "bau", "solar", "druck", "pharma", "metall", "data",
             "consult", "med", "holz", "food", "mobil", "textil", "energie"]
FORMS = ["GmbH", "GmbH", "GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."]
SOURCES = [("referral", 0.22), ("website", 0.25), ("trade fair", 0.18), ("cold outreach", 0.15),
           ("linkedin", 0.12), ("partner", 0.08)]
PRODUCTS = [("CRM rollout", 18_000, 60_000), ("Support contract", 4_000, 15_000),
            ("Training", 2_500, 9_000), ("Integration project", 12_000, 45_000),
            ("Licence renewal", 3_000, 20_000), ("Consulting days", 5_000, 25_000)]
LOST_REASONS = [("price too high", 0.3), ("chose a competitor", 0.25), ("no budget", 0.2),
                ("no decision / went silent", 0.15), ("bad timing", 0.1)]
TAGS = ["hot", "enterprise", "smb", "upsell", "public sector", "follow-up"]
STAGES = ["new", "verified", "qualified", "proposal", "negotiation"]
# Chance to move on from each stage (else lost or still open), and typical days spent there.
ADVANCE = {"new": 0.88, "verified": 0.86, "qualified": 0.8, "proposal": 0.74, "negotiation": 0.8}
DAYS = {"new": (1, 8), "verified": (2, 12), "qualified": (4, 20), "proposal": (5, 25),
        "negotiation": (4, 21)}
NOTES = {"verified": ["reached by phone", "e-mail confirmed, right contact"],
         "qualified": ["BANT ok", "budget confirmed", "decision maker met"],
         "proposal": ["offer sent", "quote sent by e-mail"],
         "negotiation": ["discount requested", "legal review", "call with purchasing"],
         "won": ["signed", "PO received"], "lost": [""]}


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([w for w, _ in weighted], [p for _, p in weighted])[0]


def stamp(day: date, rng: random.Random) -> str:
    moment = datetime.combine(day, time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])),
                              tzinfo=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def deal(rng: random.Random, i: int) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = f"{rng.choice(COMPANY_A)}{rng.choice(COMPANY_B)} {rng.choice(FORMS)}"
    product, lo, hi = rng.choice(PRODUCTS)
    value = round(rng.uniform(lo, hi), -2)
    created = ANCHOR - timedelta(days=rng.randint(1, 182))
    day = created
    events = [["new", stamp(day, rng), "from " + pick(rng, SOURCES)]]
    source = events[0][2][5:]
    events[0][2] = ""
    lost_reason = None
    for stage, nxt in zip(STAGES, STAGES[1:] + ["won"]):
        day = day + timedelta(days=rng.randint(*DAYS[stage]))
        if day >= ANCHOR:
            break  # still open in this stage
        if rng.random() < ADVANCE[stage]:
            events.append([nxt, stamp(day, rng), rng.choice(NOTES[nxt])])
            if nxt == "won":
                break
        else:
            if rng.random() < 0.7:
                lost_reason = pick(rng, LOST_REASONS)
                events.append(["lost", stamp(day, rng), ""])
            break
    # a few deals move backwards (a proposal sent back to qualification)
    if events[-1][0] == "proposal" and rng.random() < 0.15:
        back = date.fromisoformat(events[-1][1][:10]) + timedelta(days=rng.randint(2, 6))
        if back < ANCHOR:
            events.append(["qualified", stamp(back, rng), "new stakeholder, re-qualifying"])
    final = events[-1][0]
    close_base = date.fromisoformat(events[-1][1][:10])
    expected = None
    if final not in ("won", "lost"):
        expected = (close_base + timedelta(days=rng.randint(-10, 60))).isoformat()
    tags = sorted(set(rng.sample(TAGS, rng.choice([0, 0, 1, 1, 2]))))
    email_name = f"{first}.{last}".lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
    domain = company.split()[0].lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
    return {
        "title": f"{company.split()[0]}: {product}",
        "contact_name": f"{first} {last}",
        "company": company,
        "email": f"{email_name}@{domain}.de",
        "phone": f"+49 {rng.randint(30, 89)} {rng.randint(100000, 9999999)}",
        "source": source,
        "value": value,
        "probability": rng.choice([None] * 9 + [rng.choice([30, 50, 70, 90])]),
        "expected_close": expected,
        "tags": tags,
        "lost_reason": lost_reason,
        "events": events,
    }


def main() -> None:
    rng = random.Random(SEED)
    leads = sorted((deal(rng, i) for i in range(N_DEALS)), key=lambda d: d["events"][0][1])
    doc = {
        "description": "Six months of a solo B2B sales rep's pipeline (generated by make_demo.py)",
        "anchor": ANCHOR.isoformat(),
        "currency": "EUR",
        "leads": leads,
    }
    out = Path(__file__).with_name("demo-pipeline.json")
    out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(leads)} deals)")


if __name__ == "__main__":
    main()
