"""Seeded, deterministic demo-data generator for the segmentation warehouse.

Usage::

    python -m segwh.generate --customers 5000 --seed 42 --out data/demo \
        [--end-date 2026-10-31] [--years 2] [--postgres] [--quiet]

Writes ``<out>/events.parquet``, ``<out>/customers.parquet``,
``<out>/consents.parquet``, ``<out>/personas.parquet`` (ground truth) and
``<out>/manifest.json`` (parameters, row counts, randomized campaigns,
consent ground truth, file hashes). With ``--postgres`` the four tables are
also loaded into PostgreSQL (schema from ``RAW_SCHEMA``, default ``raw``).

From Python::

    from segwh.generate import generate, load_postgres
    manifest = generate(customers=5000, seed=42, out="data/demo")

Model
-----
* Time window: ``[end_date + 1 day - years, end_date 23:59:59.999999]``;
  timestamps are naive and mean UTC.
* Customers sign up across the window (more and more over time). Each gets a
  persona (``PERSONAS`` below); a persona only *shifts* the distributions that
  the per-customer parameters are drawn from, so personas overlap realistically.
* Purchases follow a Poisson-Gamma / BG-NBD process: a customer-specific rate
  ``lambda ~ Gamma`` drives an inhomogeneous Poisson process (holiday peak,
  weekly cycle), and after each purchase the customer silently drops out with a
  customer-specific probability ``p ~ Beta``. After dropping out a customer
  lingers for a few weeks and then goes quiet (no sessions, hardly any opens).
* Every order is a session: page views, product views, add-to-cart, checkout
  and 1-4 ``order_completed`` lines sharing one ``order_id``. Other sessions are
  browsing, cart abandonment and (app users) short app opens. Marketing emails
  go out weekly (plus promotions); opens and clicks happen at customer-specific
  rates and a click often starts a web session. Orders may be refunded or
  reviewed later; buyers occasionally refer friends.
* Randomized campaigns (``RANDOMIZED_CAMPAIGNS``): about six campaigns in the
  window (winback, spring sale, summer sale, back to school, Black Friday,
  holiday; ids like ``cmp_2025_11_black_friday``), each in the latest year
  that leaves its 14-day follow-up inside the window. A randomized campaign
  takes the place of the ordinary promotion with the same id. Eligible are
  customers with events who signed up before the send time and had not gone
  quiet more than 180 days before it. Each eligible customer is assigned
  independently, 80% ``treatment`` / 20% ``control``, and gets one
  ``campaign_assigned`` event at the send time (channel ``email``,
  ``campaign_id`` and ``campaign_variant`` set, no session or order).
  Treatment customers are sent the campaign's email (``email_sent`` and their
  usual opens and clicks); control customers get nothing for that campaign.
  Treatment causes incremental purchases: with probability
  ``CAMPAIGN_UPLIFT[persona]`` (a separate value for the holiday campaigns) a
  treated customer places one extra, ordinary order (full session, lines,
  discounts, refunds, reviews) 1-14 days after the send time. Base purchases
  are the same for both groups, so the true effect on orders per customer is
  the uplift. Personas keep their signatures: non-buyers and one-time buyers
  have uplift 0, lapsed regulars get no extra order inside their quiet
  period, new customers only after their first order, never after the end
  date. ``campaign_variant`` is NULL on every other event. The manifest lists
  the campaigns with their treatment/control counts and the number of
  incremental orders planted (ground truth). For tests,
  ``generate(campaign_uplift_by_purchase_state={"prospect": p, "buyer": b})``
  plants the uplift by purchase state at the send time instead of by persona
  (no order before it: p, else b; no persona limits), so a campaign moves the
  prospects it converts out of the prospects; the demo does not use it.
* Time of day follows an evening-peaked curve; some customers prefer their own
  hour. Weekends are busier; late November-December (Black Friday / Cyber
  Monday spikes) has 2-5x the order rate.
* Marketing consent (``consents.parquet``): every customer gets one record per
  channel (``email``, ``sms``, ``push``) at their signup time, ``opt_in`` with
  a per-persona probability (``CONSENT_OPT_IN``, e.g. email 70%, sms 25%, push
  40% for regulars), else ``opt_out``. Later each customer and channel changes
  its mind at ``CONSENT_CHANGE_RATE`` changes per year (Poisson), each change
  flipping the status (opt out, later perhaps opt in again), at uniform times
  from signup to ``CONSENT_LATE_DAYS`` days *after* the end date (the consent
  system is exported later than the events, so a few records lie after any
  as-of date and must be ignored). ``CONSENT_TIE_SHARE`` of the changes are
  recorded twice at the very same microsecond, once with each status (two
  systems writing at once; the rule is that ``opt_out`` wins such a tie). The
  manifest counts the customers consenting per channel at the end of the end
  date under that rule (ground truth). Consent does not change any event.

Determinism and scale
---------------------
Customers are simulated in blocks of ``block_size`` customers (default 10,000).
Block ``b`` draws all its random numbers from its own stream
``default_rng(SeedSequence(seed, spawn_key=(1, b)))``; the product catalog uses
``spawn_key=(0,)`` and the block's consent records ``spawn_key=(2, b)`` (their
own stream, so adding them left every other file byte-identical). Everything is vectorised numpy inside a block, blocks are
appended to ``pyarrow.parquet.ParquetWriter`` objects (one row group per
block) by a single writer thread that overlaps with simulating the next block,
so memory stays bounded (~0.6 GB) and run time grows linearly with customers
(~20k customers or ~1.5M events per second on 2 cores).

Identical arguments (including block size) give byte-identical files. The
output depends on the block size, but not on the total: with the same seed
and block size, the full blocks of a smaller run reappear unchanged (same rows,
same ids) at the start of a larger run. Ids that count across blocks (events,
sessions, orders) are assigned from running offsets in block order.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

GENERATOR_VERSION = "1.2.0"

US_PER_SEC = 1_000_000
US_PER_MIN = 60 * US_PER_SEC
US_PER_HOUR = 60 * US_PER_MIN
US_PER_DAY = 24 * US_PER_HOUR
DAYS_PER_YEAR = 365.25
DEFAULT_BLOCK_SIZE = 10_000
BIG = np.int64(1) << 40  # "unlimited" order count

# Widths of the zero-padded numeric part of generated ids.
# (prefix + digits = a multiple of 4 characters takes the fast id builder)
EVENT_ID_DIGITS = 11     # e00000000001
SESSION_ID_DIGITS = 11   # s00000000001
ORDER_ID_DIGITS = 11     # o00000000001
MIN_CUSTOMER_DIGITS = 7  # c0000001 (11 digits beyond 9,999,999 customers)

# =============================================================================
# Personas: ground truth planted in the population
# =============================================================================
# Distribution conventions used by the parameter table:
#   *_rate keys   (mean, shape)  -> per customer Gamma(shape, scale=mean/shape),
#                                   in events per year; mean 0 means "never".
#   (mean, conc) for open_rate, click_rate, dropout, discount_prop
#                                -> per customer Beta(mean*conc, (1-mean)*conc);
#                                   mean 0 or 1 gives exactly 0 or 1.
#   first_order   (prob, mean_delay_days): a first order is placed with `prob`;
#                 delay 0 = inside the signup session, else Exponential delay.
#   signup        name of the signup-time distribution (see _draw_signup).
#   lapse_days    (lo, hi): all activity stops uniformly lo..hi days before the
#                 end date (None = no forced stop).
#   *_curve       seasonal intensity curve (see _build_context).
# The "regular" row holds the defaults; other personas override some keys.
# "share" is the persona's share of customers; "regular" takes the rest.
REGULAR_PARAMS: dict = dict(
    description="general Poisson-Gamma / BG-NBD population, incl. prospects "
                "who never buy and ~3% of all customers without any event",
    share=None,
    ghost=0.07,                  # share of these customers with no events at all
    signup="growth",
    lapse_days=None,
    order_curve="orders",
    browse_curve="browse",
    purchase_rate=(1.1, 0.5),    # orders/year while alive, Gamma(mean, shape)
    dropout=(0.65, 4.0),         # P(silent dropout after each purchase)
    first_order=(0.40, 0.0),     # P(buy in the signup session)
    max_orders=None,
    linger_days=30.0,            # mean days of browsing after dropping out
    prospect_life_days=200.0,    # mean engaged lifetime when never buying
    browse_rate=(3.5, 0.8),      # browse sessions/year
    abandon_rate=(0.5, 0.7),     # cart-abandonment sessions/year
    browse_atc=0.08,             # P(add to cart during a browse session)
    view_mult=1.0,               # scales product views per session
    app_user=0.35,               # P(customer uses the app)
    glance_rate=(6.0, 1.0),      # app-open-only sessions/year (app users)
    subscribed=0.45,             # P(subscribed to marketing email)
    unsubscribe_days=600.0,      # mean days until unsubscribing
    open_rate=(0.22, 6.0),
    click_rate=(0.12, 6.0),      # P(click | opened)
    dormant_open_factor=0.04,    # open-rate multiplier after going quiet
    click_session=0.5,           # P(a click starts a web/app session)
    discount_prop=(0.18, 6.0),   # P(an order carries a discount)
    discount_depth=0.12,         # mean discount rate when discounted
    premium=0.05,                # P(a session shops the top price quartile)
    quantity_extra=0.2,          # Poisson mean of extra units per line
    refund_prob=0.05,            # P(an order gets refunded)
    review_prob=0.06,            # P(an order gets a review)
    referral_rate=0.1,           # referrals/year once a buyer
    preferred_tod=0.35,          # P(customer has a preferred hour of day)
    acquisition=(0.36, 0.26, 0.18, 0.10, 0.10),  # organic, paid_search, social, referral, email
)

PERSONA_OVERRIDES: dict[str, dict] = {
    "champion": dict(
        description="high frequency, high spend, recent; active to the end",
        share=0.05, ghost=0.0, signup="early",
        purchase_rate=(18.0, 8.0), dropout=(0.0, 1.0), first_order=(0.7, 0.0),
        browse_rate=(5.0, 2.0), abandon_rate=(1.5, 1.0), app_user=0.55,
        subscribed=0.75, open_rate=(0.40, 8.0), click_rate=(0.20, 6.0),
        premium=0.35, quantity_extra=0.6, review_prob=0.12, referral_rate=0.8,
        acquisition=(0.40, 0.15, 0.10, 0.25, 0.10),
    ),
    "lapsed_regular": dict(
        description="frequent buyer for a long time, stopped completely 6-14 "
                    "months before the end date (emails are still sent)",
        share=0.06, ghost=0.0, signup="lapsed_early", lapse_days=(185.0, 420.0),
        purchase_rate=(7.0, 4.0), dropout=(0.0, 1.0), first_order=(0.7, 0.0),
        browse_rate=(5.0, 2.0), subscribed=0.7, open_rate=(0.30, 6.0),
        dormant_open_factor=0.0, premium=0.1,
    ),
    "one_time_buyer": dict(
        description="exactly one order (soon after signup), never again",
        share=0.10, ghost=0.0, signup="not_recent",
        purchase_rate=(0.0, 1.0), first_order=(1.0, 2.0), max_orders=1,
        linger_days=45.0, browse_rate=(2.0, 1.0), abandon_rate=(0.3, 1.0),
    ),
    "new_customer": dict(
        description="signed up in the last ~40 days, first order within the "
                    "last 30 days",
        share=0.05, ghost=0.0, signup="recent",
        purchase_rate=(3.0, 2.0), dropout=(0.5, 4.0), first_order=(1.0, 0.0),
        browse_rate=(8.0, 2.0), app_user=0.45,
    ),
    "discount_hunter": dict(
        description="most orders (>=70%) carry a discount, deeper discounts",
        share=0.05, ghost=0.0,
        purchase_rate=(4.0, 2.0), dropout=(0.2, 5.0), first_order=(1.0, 7.0),
        browse_rate=(7.0, 1.5), subscribed=0.92, unsubscribe_days=3000.0,
        open_rate=(0.45, 6.0), click_rate=(0.30, 6.0),
        discount_prop=(0.92, 25.0), discount_depth=0.30,
        acquisition=(0.20, 0.30, 0.25, 0.05, 0.20),
    ),
    "holiday_shopper": dict(
        description="orders concentrated (>=70%) in the Nov-Dec holiday "
                    "seasons, across the years of the window",
        share=0.05, ghost=0.0, signup="before_season",
        order_curve="holiday_orders", browse_curve="holiday_browse",
        purchase_rate=(5.0, 4.0), dropout=(0.03, 10.0), first_order=(0.0, 0.0),
        browse_rate=(3.0, 1.5), prospect_life_days=5000.0,
    ),
    "window_shopper": dict(
        description="many sessions and product views, never orders",
        share=0.06, ghost=0.0,
        purchase_rate=(0.0, 1.0), first_order=(0.0, 0.0),
        prospect_life_days=2000.0, browse_rate=(18.0, 3.0), view_mult=2.5,
        abandon_rate=(0.3, 1.0), browse_atc=0.02,
    ),
    "cart_abandoner": dict(
        description="frequently adds to cart / starts checkout without "
                    "completing; zero or very few orders",
        share=0.05, ghost=0.0,
        purchase_rate=(0.3, 1.0), dropout=(0.7, 5.0), first_order=(0.15, 20.0),
        max_orders=2, prospect_life_days=1500.0, linger_days=300.0,
        browse_rate=(5.0, 1.5), abandon_rate=(12.0, 3.0), browse_atc=0.35,
    ),
    "email_engaged_non_buyer": dict(
        description="opens (>50%) and clicks many emails, never orders",
        share=0.05, ghost=0.0,
        purchase_rate=(0.0, 1.0), first_order=(0.0, 0.0),
        prospect_life_days=10000.0, browse_rate=(2.0, 1.0),
        subscribed=1.0, unsubscribe_days=float("inf"),
        open_rate=(0.72, 12.0), click_rate=(0.35, 8.0), click_session=0.4,
        acquisition=(0.20, 0.10, 0.15, 0.05, 0.50),
    ),
    "premium_buyer": dict(
        description="buys high-priced products (top price quartile of the "
                    "category, well above the category median)",
        share=0.05, ghost=0.0,
        purchase_rate=(2.5, 1.5), dropout=(0.3, 5.0), first_order=(1.0, 5.0),
        premium=0.9, discount_prop=(0.08, 8.0),
    ),
}

PERSONA_NAMES: tuple[str, ...] = ("regular", *PERSONA_OVERRIDES)
PERSONAS: dict[str, dict] = {
    "regular": REGULAR_PARAMS,
    **{name: {**REGULAR_PARAMS, **over} for name, over in PERSONA_OVERRIDES.items()},
}
PERSONAS["regular"] = {
    **REGULAR_PARAMS,
    "share": round(1.0 - sum(p["share"] for p in PERSONA_OVERRIDES.values()), 6),
}

# =============================================================================
# Randomized campaigns: planted treatment effect
# =============================================================================
# CAMPAIGN_UPLIFT[persona] = (uplift in other campaigns, uplift in holiday
# campaigns): the probability that a customer assigned to the *treatment*
# group places one extra (incremental) order 1-14 days after the assignment.
# Control customers get no extra order and base purchases are the same for
# both groups, so the true effect of a campaign on orders per customer (in
# those 14 days) is exactly this probability. On the conversion rate (share
# with >= 1 order) it is uplift * (1 - base conversion), a little less for
# personas who often buy anyway. Zero keeps the persona signatures: window
# shoppers and email-engaged non-buyers never order, one-time buyers keep
# exactly one order. Where an extra order is impossible it is not placed
# (see _campaign_effects): after the end date, inside a lapsed regular's quiet
# period (lapse_days lo before the end date) and for a new customer before
# their first order.
CAMPAIGN_UPLIFT: dict[str, tuple[float, float]] = {
    "regular": (0.04, 0.04),
    "champion": (0.06, 0.06),
    "lapsed_regular": (0.03, 0.03),
    "one_time_buyer": (0.0, 0.0),
    "new_customer": (0.05, 0.05),
    "discount_hunter": (0.12, 0.12),
    "holiday_shopper": (0.02, 0.08),
    "window_shopper": (0.0, 0.0),
    "cart_abandoner": (0.05, 0.05),
    "email_engaged_non_buyer": (0.0, 0.0),
    "premium_buyer": (0.03, 0.03),
}

# =============================================================================
# Static vocabularies
# =============================================================================
EVENT_TYPES: tuple[str, ...] = (
    "page_view", "product_view", "search", "add_to_cart", "remove_from_cart",
    "checkout_started", "order_completed", "order_refunded", "campaign_assigned",
    "email_sent", "email_opened", "email_clicked", "app_open", "review_submitted",
    "referral_made",
)
ET = {name: code for code, name in enumerate(EVENT_TYPES)}

# A session's events are laid out in these phases (see _session_events).
SESSION_PHASES = ("app_open", "page_view", "search", "product_view", "add_to_cart",
                  "remove_from_cart", "checkout_started", "order_completed")
PHASE_EVENT = np.array([ET[name] for name in SESSION_PHASES], dtype=np.int8)
PH_APP, PH_PV, PH_SEARCH, PH_PROD, PH_ATC, PH_RFC, PH_CHECKOUT, PH_LINE = range(8)

CHANNELS = ("web", "app", "email")
CH_WEB, CH_APP, CH_EMAIL = range(3)

# Session kinds.
S_BROWSE, S_ABANDON, S_ORDER, S_GLANCE = range(4)

# name, median base price, log-sd of price, products, traffic share, extra units/line
CATEGORIES = (
    ("electronics", 119.0, 0.75, 80, 0.14, 0.0),
    ("apparel", 39.0, 0.50, 120, 0.20, 0.1),
    ("home", 45.0, 0.60, 90, 0.13, 0.1),
    ("beauty", 22.0, 0.45, 70, 0.12, 0.4),
    ("sports", 55.0, 0.60, 60, 0.09, 0.1),
    ("toys", 27.0, 0.50, 60, 0.08, 0.2),
    ("grocery", 7.5, 0.40, 80, 0.14, 1.0),
    ("books", 15.0, 0.35, 100, 0.10, 0.1),
)
PREMIUM_QUANTILE = 0.75        # "premium" = price at/above this category quantile
LINES_P = (0.55, 0.25, 0.13, 0.07)  # P(order has 1, 2, 3, 4 lines)
FULL_REFUND_P = 0.6

# Relative activity by hour of day (UTC-as-local); evening peak around 20h.
HOUR_WEIGHTS = np.array([
    0.9, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 2.0, 2.6, 2.9, 3.1,
    3.4, 3.2, 3.0, 3.0, 3.2, 3.6, 4.4, 5.2, 5.6, 5.2, 3.9, 2.1,
])
HOUR_CDF = np.cumsum(HOUR_WEIGHTS) / HOUR_WEIGHTS.sum()
# Discrete draws use inverse-CDF lookup tables: outcome = table[int(u * LUT_SIZE)],
# a gather instead of a binary search (resolution 1/8192 is plenty here).
LUT_SIZE = 1 << 13
PREFERRED_HOURS = np.array([7.5, 12.5, 20.5, 23.0])  # commute, lunch, evening, late
PREFERRED_HOURS_P = np.array([0.2, 0.25, 0.4, 0.15])
# Relative activity by weekday, Monday first: weekends are busier.
WEEKDAY_WEIGHTS = np.array([0.92, 0.90, 0.93, 0.97, 1.05, 1.22, 1.18])

COUNTRIES = (("US", 0.42, "+1"), ("GB", 0.16, "+44"), ("DE", 0.13, "+49"),
             ("FR", 0.10, "+33"), ("CA", 0.10, "+1"), ("NL", 0.09, "+31"))
ACQUISITION_CHANNELS = ("organic", "paid_search", "social", "referral", "email")
FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia",
    "Lucas", "Mia", "Mateo", "Isabella", "Leon", "Charlotte", "Hugo", "Emilia", "Finn",
    "Hannah", "Louis", "Lea", "Jack", "Chloe", "Arthur", "Sara", "Daan", "Julia", "Sem",
    "Grace", "Ethan", "Zoe", "Jonas", "Ines", "Milan", "Nora", "Aiden", "Maya", "Omar",
    "Priya", "Wei", "Yuki", "Diego", "Fatima", "Kwame", "Anya", "Luca",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Muller", "Schmidt", "Schneider",
    "Fischer", "Weber", "Meyer", "Wagner", "de Jong", "Jansen", "de Vries", "van Dijk",
    "Bakker", "Taylor", "Wilson", "Evans", "Walker", "Wright", "Roberts", "Tremblay",
    "Roy", "Gagnon", "Lee", "Nguyen", "Patel", "Khan", "Kim", "Chen", "Lopez", "Silva",
)

# Promotional email campaigns per calendar year: (month, day, slug, hour UTC).
# Black Friday / Cyber Monday dates are computed (see _black_friday).
PROMO_CAMPAIGNS = (
    (1, 2, "new_year_sale", 9), (2, 7, "valentines", 12), (5, 14, "spring_sale", 12),
    (7, 8, "summer_sale", 11), (8, 20, "back_to_school", 12),
    (12, 5, "gift_guide", 12), (12, 19, "last_chance", 10), (12, 26, "after_christmas", 9),
)

# Randomized campaigns (treatment/control): (slug, month, day, hour UTC,
# holiday campaign). day None = Black Friday. Each runs once, in the latest
# year whose date lies at least CAMPAIGN_LEAD_DAYS after the window start and
# CAMPAIGN_TAIL_DAYS before the end date (so the 14-day follow-up is complete).
# A randomized campaign replaces the ordinary promotion with the same id.
RANDOMIZED_CAMPAIGNS = (
    ("winback", 3, 10, 10, False), ("spring_sale", 5, 14, 12, False),
    ("summer_sale", 7, 8, 11, False), ("back_to_school", 8, 20, 12, False),
    ("black_friday", 11, None, 6, True), ("holiday", 12, 15, 9, True),
)
CAMPAIGN_LEAD_DAYS = 14
CAMPAIGN_TAIL_DAYS = 21
CAMPAIGN_TREATMENT_SHARE = 0.8   # P(an eligible customer is in the treatment group)
CAMPAIGN_RECENT_DAYS = 180.0     # eligible unless gone quiet more than this long ago
CAMPAIGN_EFFECT_DAYS = (1.0, 14.0)  # incremental orders this many days after assignment
CAMPAIGN_VARIANTS = ("treatment", "control")

# =============================================================================
# Marketing consent (consents.parquet), drawn from its own random stream
# =============================================================================
CONSENT_CHANNELS = ("email", "sms", "push")
CONSENT_STATUSES = ("opt_in", "opt_out")
# P(opt_in at signup) per channel; personas override some channels.
CONSENT_OPT_IN: dict[str, dict[str, float]] = {
    "regular": {"email": 0.70, "sms": 0.25, "push": 0.40},
    "champion": {"email": 0.85, "sms": 0.40, "push": 0.55},
    "discount_hunter": {"email": 0.92, "sms": 0.45},
    "email_engaged_non_buyer": {"email": 0.97},
    "window_shopper": {"email": 0.55, "push": 0.30},
    "lapsed_regular": {"email": 0.75},
}
CONSENT_CHANGE_RATE = {"email": 0.20, "sms": 0.12, "push": 0.25}  # changes per year
CONSENT_TIE_SHARE = 0.03   # changes also recorded with the opposite status, same instant
CONSENT_LATE_DAYS = 14     # changes are recorded up to this many days after the end date

# =============================================================================
# Output schemas
# =============================================================================
EVENTS_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("customer_id", pa.string()), ("event_type", pa.string()),
    ("occurred_at", pa.timestamp("us")), ("session_id", pa.string()),
    ("order_id", pa.string()), ("revenue", pa.float64()), ("discount_amount", pa.float64()),
    ("product_id", pa.string()), ("category", pa.string()), ("quantity", pa.int32()),
    ("channel", pa.string()), ("campaign_id", pa.string()),
    ("campaign_variant", pa.string()),
])
CUSTOMERS_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("signed_up_at", pa.timestamp("us")),
    ("email", pa.string()), ("first_name", pa.string()), ("last_name", pa.string()),
    ("phone", pa.string()), ("birth_date", pa.date32()), ("country", pa.string()),
    ("acquisition_channel", pa.string()),
])
PERSONAS_SCHEMA = pa.schema([("customer_id", pa.string()), ("persona", pa.string())])
CONSENTS_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("channel", pa.string()), ("consent_status", pa.string()),
    ("recorded_at", pa.timestamp("us")),
])
TABLE_SCHEMAS = {"events": EVENTS_SCHEMA, "customers": CUSTOMERS_SCHEMA,
                 "personas": PERSONAS_SCHEMA, "consents": CONSENTS_SCHEMA}
# Files load_postgres skips (dropping the table) when a data folder lacks them.
OPTIONAL_TABLES = ("consents",)
# Parquet writer options. Dictionary-encode only low-cardinality columns (unique
# ids gain nothing), delta-encode timestamps, and keep min/max statistics only
# for columns that are useful for pruning (string statistics are expensive).
PARQUET_OPTIONS = dict(compression="zstd", compression_level=1, use_dictionary=[
    "customer_id", "event_type", "product_id", "category", "channel", "campaign_id",
    "campaign_variant", "first_name", "last_name", "country", "acquisition_channel",
    "persona", "consent_status"])
PARQUET_TABLE_OPTIONS = {
    "events": dict(column_encoding={"occurred_at": "DELTA_BINARY_PACKED"},
                   write_statistics=["occurred_at", "customer_id", "event_type", "revenue",
                                     "discount_amount", "quantity"]),
    "customers": dict(column_encoding={"signed_up_at": "DELTA_BINARY_PACKED"},
                      write_statistics=["customer_id", "signed_up_at", "birth_date"]),
    "personas": dict(write_statistics=["customer_id", "persona"]),
    "consents": dict(write_statistics=["customer_id", "recorded_at"]),
}

# PostgreSQL column types for the Arrow types used above.
PG_TYPES = {
    pa.string(): "text", pa.timestamp("us"): "timestamp", pa.date32(): "date",
    pa.float64(): "double precision", pa.int32(): "integer",
}


# =============================================================================
# Static context: calendar curves, campaigns, catalog, parameter table
# =============================================================================
@dataclass(frozen=True)
class Curve:
    """Piecewise-constant daily intensity, stored as its cumulative integral.

    ``t`` holds the day boundaries (µs) and ``cum`` the integral of the daily
    weight up to each boundary (in "effective days"; weights average 1 over the
    window), so Lambda(t) = interp(t, t, cum) and its inverse are exact.
    """
    t: np.ndarray
    cum: np.ndarray


@dataclass(frozen=True)
class Catalog:
    product_ids: pa.Array     # 'p00001', ... (products grouped by category)
    category: np.ndarray      # category code per product
    price: np.ndarray         # base unit price
    premium: np.ndarray       # bool: price in the category's top quartile
    category_cdf: np.ndarray  # traffic share CDF over categories
    pick: np.ndarray          # product by popularity: inverse-CDF table per category
    premium_pick: np.ndarray  # same, premium products only
    category_pick: np.ndarray  # category by traffic share
    category_qty: np.ndarray  # extra units per line by category


@dataclass(frozen=True)
class Context:
    seed: int
    start_us: int
    end_us: int
    n_days: int
    season_day: np.ndarray        # bool per day: Nov/Dec holiday season
    curves: dict[str, Curve]
    curve_names: tuple[str, ...]
    camp_t: np.ndarray            # campaign send times (µs), sorted
    camp_ids: pa.Array
    camp_incl: np.ndarray         # P(a subscriber is targeted); 0 for randomized ones
    camp_open_mult: np.ndarray
    rct_camp: np.ndarray          # randomized campaigns: index into camp_t, by time
    rct_holiday: np.ndarray       # bool per randomized campaign: holiday uplift applies
    catalog: Catalog
    ptab: dict[str, np.ndarray]   # persona parameter table, one row per persona
    persona_cdf: np.ndarray
    signup_windows: dict[str, tuple[int, int]]
    first_season_start_us: int
    customer_digits: int
    # generate(campaign_uplift_by_purchase_state=...): (prospect, buyer) uplift
    # that replaces CAMPAIGN_UPLIFT; None = the persona uplift (the demo)
    uplift_by_purchase_state: tuple[float, float] | None = None


def _parse_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # Feb 29 -> Feb 28
        return d.replace(year=d.year - years, day=28)


def _black_friday(year: int) -> date:
    """Friday after the fourth Thursday of November."""
    nov1 = date(year, 11, 1)
    first_thursday = 1 + (3 - nov1.weekday()) % 7
    return date(year, 11, first_thursday + 21 + 1)


def _us(d: date) -> int:
    """Midnight of a date as µs since the epoch."""
    return (d - date(1970, 1, 1)).days * US_PER_DAY


def _holiday_multiplier(days: np.ndarray) -> np.ndarray:
    """Order-rate multiplier per day (datetime64[D] array)."""
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mult = np.ones(days.size)
    mult[month == 11] = 1.25
    years = np.unique(days.astype("datetime64[Y]").astype(np.int64) + 1970)

    def span(a, b):
        return (days >= np.datetime64(a)) & (days <= np.datetime64(b))

    for y in years:
        y = int(y)
        bf = _black_friday(y)
        cm = bf + timedelta(days=3)
        mult[span(f"{y}-01-01", f"{y}-01-15")] = 0.85      # post-holiday lull
        mult[span(f"{y}-07-08", f"{y}-07-12")] = 1.4       # summer sale
        mult[span(bf - timedelta(days=7), bf - timedelta(days=1))] = 1.8
        mult[span(bf, bf)] = 5.0                           # Black Friday
        mult[span(bf + timedelta(days=1), bf + timedelta(days=2))] = 3.0
        mult[span(cm, cm)] = 4.5                           # Cyber Monday
        mult[span(cm + timedelta(days=1), f"{y}-12-18")] = 2.5
        mult[span(f"{y}-12-19", f"{y}-12-23")] = 2.0
        mult[span(f"{y}-12-24", f"{y}-12-24")] = 1.2
        mult[span(f"{y}-12-25", f"{y}-12-25")] = 0.5
        mult[span(f"{y}-12-26", f"{y}-12-31")] = 1.8
    return mult


def _build_curves(start: date, n_days: int) -> tuple[dict[str, Curve], np.ndarray]:
    days = np.datetime64(start, "D") + np.arange(n_days)
    weekday = (days.astype(np.int64) + 3) % 7           # 1970-01-01 was a Thursday
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    season = month >= 11
    week = WEEKDAY_WEIGHTS[weekday]
    holiday = _holiday_multiplier(days)
    weights = {
        "orders": week * holiday,
        "browse": week * (1.0 + 0.5 * (holiday - 1.0)),
        "flat": week,
    }
    # Holiday shoppers: the season is ~20x (orders) / 5x (browsing) as attractive.
    weights["holiday_orders"] = weights["orders"] * np.where(season, 20.0, 1.0)
    weights["holiday_browse"] = weights["browse"] * np.where(season, 5.0, 1.0)
    t = (_us(start) + np.arange(n_days + 1, dtype=np.int64) * US_PER_DAY).astype(np.float64)
    curves = {}
    for name, w in weights.items():
        w = w / w.mean()
        curves[name] = Curve(t=t, cum=np.concatenate([[0.0], np.cumsum(w)]))
    return curves, season


def _schedule_randomized(start: date, end: date) -> list[tuple[date, int, str, bool]]:
    """(day, hour, slug, holiday) of the randomized campaigns inside the window:
    each of RANDOMIZED_CAMPAIGNS in the latest year that fits (see there)."""
    first_ok = start + timedelta(days=CAMPAIGN_LEAD_DAYS)
    last_ok = end - timedelta(days=CAMPAIGN_TAIL_DAYS)
    rows = []
    for slug, month, day, hour, holiday in RANDOMIZED_CAMPAIGNS:
        for y in range(end.year, start.year - 1, -1):
            d = _black_friday(y) if day is None else date(y, month, day)
            if first_ok <= d <= last_ok:
                rows.append((d, hour, slug, holiday))
                break
    return sorted(rows)


def _build_campaigns(start: date, end: date):
    """Weekly newsletters (Tuesdays 15:00), dated promotions and the randomized
    campaigns (which take the place of a promotion with the same id)."""
    rows = []  # (send time µs, id, kind: 0 newsletter, 1 promotion, 2 randomized)
    d = start + timedelta(days=(1 - start.weekday()) % 7)  # first Tuesday
    while d <= end:
        iso = d.isocalendar()
        rows.append((_us(d) + 15 * US_PER_HOUR, f"cmp_{iso[0]}_w{iso[1]:02d}_newsletter", 0))
        d += timedelta(days=7)
    holiday = {}
    for day, hour, slug, is_holiday in _schedule_randomized(start, end):
        cid = f"cmp_{day.year}_{day.month:02d}_{slug}"
        holiday[cid] = is_holiday
        rows.append((_us(day) + hour * US_PER_HOUR, cid, 2))
    for y in range(start.year, end.year + 1):
        bf = _black_friday(y)
        promos = [(date(y, m, dd), slug, h) for m, dd, slug, h in PROMO_CAMPAIGNS]
        promos += [(bf - timedelta(days=4), "black_friday_preview", 12),
                   (bf, "black_friday", 6), (bf + timedelta(days=3), "cyber_monday", 7)]
        for day, slug, hour in promos:
            cid = f"cmp_{y}_{day.month:02d}_{slug}"
            if start <= day <= end and cid not in holiday:
                rows.append((_us(day) + hour * US_PER_HOUR, cid, 1))
    rows.sort()
    camp_t = np.array([r[0] for r in rows], dtype=np.int64)
    kind = np.array([r[2] for r in rows], dtype=np.int8)
    rct = np.flatnonzero(kind == 2)
    return (camp_t, _string_array([r[1] for r in rows]),
            np.select([kind == 0, kind == 1], [0.65, 0.95], 0.0),
            np.where(kind == 0, 0.9, 1.2),
            rct, np.array([holiday[rows[i][1]] for i in rct], dtype=bool))


def _build_catalog(rng: np.random.Generator) -> Catalog:
    """~660 products in 8 categories: lognormal prices around category medians,
    Zipf-like popularity. Popularity CDFs are stored category-offset (category
    c spans c..c+1) and turned into inverse-CDF lookup tables."""
    cat, price, cdf, pcdf, prem = [], [], [], [], []
    for c, (_, median, sd, k, _, _) in enumerate(CATEGORIES):
        p = median * np.exp(rng.normal(0.0, sd, k))
        p = np.maximum(np.round(p) - 0.01, 0.99)              # x.99 price points
        pop = rng.permutation(1.0 / (np.arange(k) + 3.0) ** 0.9)  # Zipf-like popularity
        pop = pop * (p / median) ** -0.3                        # mild price aversion
        is_prem = p >= np.quantile(p, PREMIUM_QUANTILE)
        c_cdf = c + np.cumsum(pop) / pop.sum()
        p_cdf = c + np.cumsum(pop * is_prem) / (pop * is_prem).sum()
        c_cdf[-1] = p_cdf[-1] = c + 1.0                         # exact segment ends
        cat.append(np.full(k, c, dtype=np.int8))
        price.append(p)
        cdf.append(c_cdf)
        pcdf.append(p_cdf)
        prem.append(is_prem)
    n = sum(len(x) for x in cat)
    shares = np.array([c[4] for c in CATEGORIES])
    cdf, pcdf = np.concatenate(cdf), np.concatenate(pcdf)
    cells = (np.arange(len(CATEGORIES))[:, None]
             + (np.arange(LUT_SIZE)[None, :] + 0.5) / LUT_SIZE).ravel()
    return Catalog(
        product_ids=_fixed_width_ids("p", np.arange(1, n + 1), 5),
        category=np.concatenate(cat), price=np.concatenate(price),
        premium=np.concatenate(prem), category_cdf=np.cumsum(shares) / shares.sum(),
        pick=np.searchsorted(cdf, cells, side="right").astype(np.int32),
        premium_pick=np.searchsorted(pcdf, cells, side="right").astype(np.int32),
        category_pick=_inverse_cdf_table(np.cumsum(shares) / shares.sum()),
        category_qty=np.array([c[5] for c in CATEGORIES]),
    )


def _build_param_table() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Persona parameters as arrays indexed by persona code."""
    rows = [PERSONAS[name] for name in PERSONA_NAMES]
    skip = {"description", "share", "signup", "lapse_days", "order_curve", "browse_curve",
            "max_orders"}
    ptab: dict[str, np.ndarray] = {}
    for key in REGULAR_PARAMS:
        if key not in skip:
            ptab[key] = np.array([r[key] for r in rows], dtype=np.float64)
    ptab["max_orders"] = np.array([BIG if r["max_orders"] is None else r["max_orders"]
                                   for r in rows], dtype=np.int64)
    lapse = [r["lapse_days"] or (np.nan, np.nan) for r in rows]
    ptab["lapse_days"] = np.array(lapse, dtype=np.float64)
    ptab["acquisition_cdf"] = np.cumsum(ptab["acquisition"], axis=1) / \
        ptab["acquisition"].sum(axis=1, keepdims=True)
    shares = np.array([r["share"] for r in rows])
    return ptab, np.cumsum(shares) / shares.sum()


def _build_context(seed: int, end_date, years: int, customers: int,
                   uplift_by_purchase_state: tuple[float, float] | None = None) -> Context:
    end = _parse_date(end_date)
    if years < 1:
        raise ValueError("years must be >= 1")
    start = _years_before(end, years) + timedelta(days=1)
    n_days = (end - start).days + 1
    start_us, end_us = _us(start), _us(end) + US_PER_DAY - 1
    curves, season = _build_curves(start, n_days)
    camp_t, camp_ids, camp_incl, camp_open, rct_camp, rct_holiday = \
        _build_campaigns(start, end)
    catalog = _build_catalog(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,))))
    ptab, persona_cdf = _build_param_table()
    for name in PERSONA_NAMES:
        for key in ("order_curve", "browse_curve"):
            if PERSONAS[name][key] not in curves:
                raise ValueError(f"unknown curve {PERSONAS[name][key]!r}")
    ptab["order_curve"] = np.array([list(curves).index(PERSONAS[p]["order_curve"])
                                    for p in PERSONA_NAMES])
    ptab["browse_curve"] = np.array([list(curves).index(PERSONAS[p]["browse_curve"])
                                     for p in PERSONA_NAMES])
    missing = set(PERSONA_NAMES) ^ set(CAMPAIGN_UPLIFT)
    if missing:
        raise ValueError(f"CAMPAIGN_UPLIFT does not match the personas: {sorted(missing)}")
    ptab["uplift"] = np.array([CAMPAIGN_UPLIFT[p] for p in PERSONA_NAMES], dtype=np.float64)

    # Holiday seasons (Nov 1) inside the window: first and last usable ones.
    season_starts = [date(y, 11, 1) for y in range(start.year - 1, end.year + 1)]
    season_ends = [date(y, 12, 31) for y in range(start.year - 1, end.year + 1)]
    live = [(s, e) for s, e in zip(season_starts, season_ends) if e >= start and s <= end]
    first_season = max(live[0][0], start) if live else start
    full = [s for s, e in live if s >= start and s + timedelta(days=30) <= end]
    last_season = full[-1] if full else first_season
    window = end_us - start_us
    signup_windows = {
        "growth": (start_us, end_us - 6 * US_PER_HOUR),
        "early": (start_us, start_us + int(0.55 * window)),
        "lapsed_early": (start_us, start_us + int(0.2 * window)),
        "not_recent": (start_us, max(start_us + US_PER_DAY, end_us - 60 * US_PER_DAY)),
        "recent": (max(start_us, end_us - 40 * US_PER_DAY), end_us - US_PER_DAY),
        "before_season": (start_us, max(start_us + 7 * US_PER_DAY,
                                        _us(last_season) - 14 * US_PER_DAY)),
    }
    for name in PERSONA_NAMES:
        if PERSONAS[name]["signup"] not in signup_windows:
            raise ValueError(f"unknown signup kind {PERSONAS[name]['signup']!r}")
    return Context(
        seed=seed, start_us=start_us, end_us=end_us, n_days=n_days, season_day=season,
        curves=curves, curve_names=tuple(curves), camp_t=camp_t, camp_ids=camp_ids,
        camp_incl=camp_incl, camp_open_mult=camp_open, rct_camp=rct_camp,
        rct_holiday=rct_holiday, catalog=catalog, ptab=ptab,
        persona_cdf=persona_cdf, signup_windows=signup_windows,
        first_season_start_us=_us(first_season),
        customer_digits=MIN_CUSTOMER_DIGITS if customers < 10 ** MIN_CUSTOMER_DIGITS else 11,
        uplift_by_purchase_state=uplift_by_purchase_state,
    )


# =============================================================================
# Vectorised sampling helpers
# =============================================================================
def _inverse_cdf_table(cdf: np.ndarray) -> np.ndarray:
    """LUT_SIZE outcomes, one per probability cell (evaluated at its midpoint)."""
    return np.searchsorted(cdf, (np.arange(LUT_SIZE) + 0.5) / LUT_SIZE, side="right")


def _lut_draw(rng, table: np.ndarray, m: int) -> np.ndarray:
    return table[(rng.random(m) * LUT_SIZE).astype(np.int64)]


HOUR_PICK = _inverse_cdf_table(HOUR_CDF)


def _gamma(rng, spec: np.ndarray, persona: np.ndarray) -> np.ndarray:
    """Per-customer Gamma(mean, shape) draws; mean 0 gives 0."""
    mean, shape = spec[persona, 0], spec[persona, 1]
    return rng.gamma(shape, 1.0) * (mean / shape)


def _beta(rng, spec: np.ndarray, persona: np.ndarray) -> np.ndarray:
    """Per-customer Beta(mean, concentration) draws; mean 0/1 gives 0/1."""
    mean, conc = spec[persona, 0], spec[persona, 1]
    m = np.clip(mean, 1e-6, 1 - 1e-6)
    x = rng.beta(m * conc, (1 - m) * conc)
    return np.where(mean <= 0, 0.0, np.where(mean >= 1, 1.0, x))


def _tod_fraction(rng, owner: np.ndarray, C) -> np.ndarray:
    """Time of day as a fraction of the day: the global evening-peaked curve,
    or (with the customer's strength) a spot around their preferred hour."""
    m = owner.size
    hour = _lut_draw(rng, HOUR_PICK, m) + rng.random(m)
    use_pref = rng.random(m) < C.pref_strength[owner]
    pref = (C.pref_hour[owner] + rng.normal(0.0, 1.0, m)) % 24.0
    return np.where(use_pref, pref, hour) / 24.0


def _place_in_day(rng, ctx: Context, t, owner, lo, hi, C) -> np.ndarray:
    """Keep the day of each time ``t`` but redraw its time of day from the
    owner's daily curve, squeezed into ``[lo, hi]`` on boundary days."""
    day = np.floor((t - ctx.start_us) / US_PER_DAY)
    d0 = ctx.start_us + day * US_PER_DAY
    a = np.maximum(d0, lo)
    b = np.minimum(d0 + (US_PER_DAY - 1), hi)
    frac = _tod_fraction(rng, owner, C)
    return (a + frac * np.maximum(b - a, 0.0)).astype(np.int64)


def _nhpp(rng, curve: Curve, rate_per_year, lo, hi):
    """One inhomogeneous Poisson process per row on ``[lo, hi]``.

    Intensity = rate_per_year/365.25 * daily weight of ``curve``. Counts are
    Poisson(rate * integrated weight); times are the inverse of the cumulative
    intensity applied to uniforms. Returns (row index, time µs float) per event.
    """
    lam_lo = np.interp(lo, curve.t, curve.cum)
    span = np.maximum(np.interp(hi, curve.t, curve.cum) - lam_lo, 0.0)
    n = rng.poisson(rate_per_year * span / DAYS_PER_YEAR)
    owner = np.repeat(np.arange(lo.size), n)
    u = lam_lo[owner] + rng.random(owner.size) * span[owner]
    return owner, np.interp(u, curve.cum, curve.t)


def _nhpp_by_curve(rng, ctx, C, curve_code, rate, lo, hi):
    """_nhpp over customers that may use different curves; times placed in day."""
    owners, times = [], []
    for code, name in enumerate(ctx.curve_names):
        idx = np.flatnonzero((curve_code == code) & (rate > 0) & (hi > lo))
        if idx.size == 0:
            continue
        o, t = _nhpp(rng, ctx.curves[name], rate[idx], lo[idx], hi[idx])
        owners.append(idx[o])
        times.append(t)
    if not owners:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    owner, t = np.concatenate(owners), np.concatenate(times)
    return owner, _place_in_day(rng, ctx, t, owner, lo[owner], hi[owner], C)


def _group_starts(counts: np.ndarray) -> np.ndarray:
    return np.cumsum(counts) - counts


def _ranks(owner_sorted: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For rows sorted by owner: rank within owner, counts and group starts."""
    counts = np.bincount(owner_sorted, minlength=n)
    starts = _group_starts(counts)
    return np.arange(owner_sorted.size) - starts[owner_sorted], counts, starts


def _draw_products(rng, ctx: Context, owner, premium, C) -> np.ndarray:
    """Product per row: category from the customer's favourite (with their
    loyalty) or global traffic shares; product by popularity within category,
    restricted to the top price quartile for premium sessions."""
    cat = ctx.catalog
    m = owner.size
    fav = rng.random(m) < C.fav_strength[owner]
    category = np.where(fav, C.fav_cat[owner], _lut_draw(rng, cat.category_pick, m))
    cell = category * LUT_SIZE + (rng.random(m) * LUT_SIZE).astype(np.int64)
    return np.where(premium, cat.premium_pick[cell], cat.pick[cell])


# =============================================================================
# String columns, built straight from Arrow buffers (fast and exact)
# =============================================================================
# '0000'..'9999' as bytes and as little-endian uint32 words: ids are built
# four digits at a time by table lookup.
_DIGITS4 = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode("ascii"),
                         dtype=np.uint8).reshape(10_000, 4)
_DIGITS4_WORD = _DIGITS4.copy().view("<u4").ravel()


def _fixed_width_ids(prefix: str, numbers, digits: int, valid=None) -> pa.Array:
    """'<prefix><zero-padded number>' strings; rows with ``valid`` False are null.

    Builds the Arrow offsets/data buffers directly (fixed width per row). When
    the width is a multiple of 4 bytes each row is written as uint32 words
    (prefix + leading digits, then 4-digit groups), which is ~3x faster.
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    n = numbers.size
    nums = numbers if valid is None else numbers[valid]
    if nums.size and (nums.max() >= 10 ** digits or nums.min() < 0):
        raise ValueError(f"id number out of range for {digits} digits")
    pfx = prefix.encode("ascii")
    width = len(pfx) + digits
    rest = nums
    if width % 4 == 0 and len(pfx) < 4:
        lead = 4 - len(pfx)
        head = np.frombuffer(b"".join(pfx + f"{i:0{lead}d}".encode() for i in range(10 ** lead)),
                             dtype="<u4")
        data = np.empty((nums.size, width // 4), dtype=np.uint32)
        for word in range(width // 4 - 1, 0, -1):
            rest, group = np.divmod(rest, 10_000)
            data[:, word] = _DIGITS4_WORD[group]
        data[:, 0] = head[rest]
    else:
        data = np.empty((nums.size, width), dtype=np.uint8)
        data[:, :len(pfx)] = np.frombuffer(pfx, dtype=np.uint8)
        pos = width
        while pos > len(pfx):                   # fill 4-digit groups from the right
            rest, group = np.divmod(rest, 10_000)
            take = min(4, pos - len(pfx))
            data[:, pos - take:pos] = _DIGITS4[group, 4 - take:]
            pos -= take
    offsets = np.zeros(n + 1, dtype=np.int32)
    if valid is None:
        offsets[1:] = np.arange(1, n + 1, dtype=np.int32) * width
        bitmap, nulls = None, 0
    else:
        np.cumsum(valid.astype(np.int32) * width, out=offsets[1:])
        bitmap, nulls = pa.py_buffer(np.packbits(valid, bitorder="little")), n - nums.size
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data),
                                       bitmap, nulls)


def _numeric_array(values: np.ndarray, type_: pa.DataType, null=None) -> pa.Array:
    """Arrow array of a fixed-width type straight from a numpy buffer; rows
    where ``null`` is True are null (values there are ignored)."""
    dtype = np.float64 if pa.types.is_floating(type_) else \
        (np.int64 if type_.bit_width == 64 else np.int32)     # ints, timestamp, date32
    values = np.ascontiguousarray(values, dtype=dtype)
    validity, nulls = None, 0
    if null is not None and null.any():
        validity = pa.py_buffer(np.packbits(~null, bitorder="little"))
        nulls = int(null.sum())
    return pa.Array.from_buffers(type_, values.size, [validity, pa.py_buffer(values)], nulls)


def _string_array(values) -> pa.Array:
    """Arrow string array from Python strings, built from buffers (pa.array on
    a list would import pandas, which costs ~0.3 s at start-up)."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(v) for v in encoded], out=offsets[1:])
    return pa.StringArray.from_buffers(len(encoded), pa.py_buffer(offsets),
                                       pa.py_buffer(b"".join(encoded)))


def _lookup(dictionary, codes: np.ndarray) -> pa.Array:
    """Strings from a small vocabulary by code; negative codes become null."""
    if not isinstance(dictionary, pa.Array):
        dictionary = _string_array(dictionary)
    codes = np.asarray(codes, dtype=np.int32)
    return pc.take(dictionary, _numeric_array(codes, pa.int32(), codes < 0))


# =============================================================================
# One block of customers
# =============================================================================
def _draw_signup(rng, ctx: Context, persona: np.ndarray, C) -> np.ndarray:
    """Signup time per customer according to the persona's signup kind."""
    n = persona.size
    u = rng.random(n)
    mix = rng.random(n)
    x = np.empty(n)
    lo = np.empty(n)
    hi = np.empty(n)
    kinds = np.array([PERSONAS[p]["signup"] for p in PERSONA_NAMES])[persona]
    for kind, (a, b) in ctx.signup_windows.items():
        m = kinds == kind
        if not m.any():
            continue
        lo[m], hi[m] = a, b
        if kind in ("growth", "not_recent"):
            g = 1.1  # acquisition grows over time: density ∝ exp(g * position)
            x[m] = np.log1p(u[m] * np.expm1(g)) / g
        elif kind == "before_season":
            # 75% join before/at the start of the first season (so they shop
            # several seasons), the rest any time before the last season.
            early_hi = min(b, ctx.first_season_start_us + 20 * US_PER_DAY)
            frac_early = (early_hi - a) / max(b - a, 1)
            x[m] = np.where(mix[m] < 0.75, u[m] * frac_early, u[m])
        else:
            x[m] = u[m]
    s = lo + x * (hi - lo)
    owner = np.arange(n)
    s = _place_in_day(rng, ctx, s, owner, lo, hi, C)
    return np.minimum(s, ctx.end_us - US_PER_HOUR)


def _customer_params(rng, ctx: Context, n: int) -> SimpleNamespace:
    """Persona and behavioural parameters for each customer of a block."""
    P = ctx.ptab
    persona = np.searchsorted(ctx.persona_cdf, rng.random(n), side="right").astype(np.int8)
    C = SimpleNamespace(n=n, persona=persona)
    C.ghost = rng.random(n) < P["ghost"][persona]
    active = ~C.ghost
    # time-of-day preference (needed before any timestamp is drawn)
    has_pref = rng.random(n) < P["preferred_tod"][persona]
    C.pref_hour = PREFERRED_HOURS[np.searchsorted(np.cumsum(PREFERRED_HOURS_P),
                                                  rng.random(n) * 0.999999, side="right")]
    C.pref_strength = np.where(has_pref, rng.uniform(0.6, 0.95, n), 0.0)
    # rates (per year) - zero for ghosts
    C.purchase_rate = _gamma(rng, P["purchase_rate"], persona) * active
    C.browse_rate = _gamma(rng, P["browse_rate"], persona) * active
    C.abandon_rate = _gamma(rng, P["abandon_rate"], persona) * active
    C.app_user = (rng.random(n) < P["app_user"][persona]) & active
    C.app_share = np.where(C.app_user, rng.beta(3.0, 2.0, n), 0.0)
    C.glance_rate = _gamma(rng, P["glance_rate"], persona) * C.app_user
    C.referral_rate = P["referral_rate"][persona] * rng.gamma(2.0, 0.5, n) * active
    # probabilities
    C.dropout = _beta(rng, P["dropout"], persona)
    C.open_rate = _beta(rng, P["open_rate"], persona)
    C.click_rate = _beta(rng, P["click_rate"], persona)
    C.discount_prop = _beta(rng, P["discount_prop"], persona)
    C.discount_depth = P["discount_depth"][persona] * np.exp(rng.normal(0.0, 0.2, n))
    C.subscribed = (rng.random(n) < P["subscribed"][persona]) & active
    C.premium = np.clip(P["premium"][persona] * np.exp(rng.normal(0, 0.3, n)), 0, 0.97)
    C.quantity_extra = P["quantity_extra"][persona] * np.exp(rng.normal(0, 0.3, n))
    C.fav_cat = np.searchsorted(ctx.catalog.category_cdf, rng.random(n), side="right")
    C.fav_strength = rng.beta(2.0, 2.0, n)
    for key in ("browse_atc", "view_mult", "click_session", "refund_prob", "review_prob",
                "dormant_open_factor", "linger_days", "prospect_life_days",
                "unsubscribe_days"):
        setattr(C, key, P[key][persona])
    C.max_orders = P["max_orders"][persona]
    C.order_curve = P["order_curve"][persona]
    C.browse_curve = P["browse_curve"][persona]
    return C


def _simulate_block(ctx: Context, rng: np.random.Generator, n: int):
    """Simulate the ``n`` customers of one block.

    Returns (events dict of numpy columns, customers info, #sessions, #orders).
    Customers, sessions and orders are numbered locally from 0 (the caller
    adds the block's offsets). Columns use -1 for null ints, NaN for floats.
    """
    start, end = ctx.start_us, ctx.end_us
    P = ctx.ptab
    C = _customer_params(rng, ctx, n)
    persona = C.persona
    all_c = np.arange(n)
    C.signup = s = _draw_signup(rng, ctx, persona, C)

    # Forced stop (lapsed regulars): all activity ends lapse_days before the end.
    lapse = P["lapse_days"][persona]
    lapse_draw = lapse[:, 0] + rng.random(n) * (lapse[:, 1] - lapse[:, 0])
    stop = np.where(np.isnan(lapse_draw), end,
                    np.maximum(end - lapse_draw * US_PER_DAY, s + 90.0 * US_PER_DAY))
    stop = np.minimum(stop, end).astype(np.int64)

    # ---------------------------------------------------------------- orders
    # 1) an optional forced first order (at signup, after a delay, or - for new
    #    customers - inside the last 30 days)
    fo_prob, fo_delay = P["first_order"][persona, 0], P["first_order"][persona, 1]
    forced = (rng.random(n) < fo_prob) & ~C.ghost
    delayed = fo_delay > 0
    f_lo = s.astype(np.float64)
    f_hi = stop.astype(np.float64)
    f_t = s + rng.exponential(1.0, n) * fo_delay * US_PER_DAY
    is_new = persona == PERSONA_NAMES.index("new_customer")
    recent_lo = np.maximum(s, end - 30 * US_PER_DAY)
    f_lo = np.where(is_new, recent_lo, f_lo)
    f_hi = np.where(is_new, end - US_PER_HOUR, f_hi)
    f_t = np.where(is_new, recent_lo + rng.random(n) * np.maximum(f_hi - recent_lo, 0), f_t)
    placed = _place_in_day(rng, ctx, f_t, all_c, f_lo, f_hi, C)
    at_signup = forced & ~delayed & ~is_new          # order inside the signup session
    f_t = np.where(at_signup, s, placed)
    forced &= f_t < stop
    # 2) Poisson-Gamma purchases from then on, with the persona's season curve
    p_lo = np.where(forced, f_t, s)
    po_owner, po_t = _nhpp_by_curve(rng, ctx, C, C.order_curve, C.purchase_rate, p_lo, stop)
    o_owner = np.concatenate([all_c[forced], po_owner])
    o_t = np.concatenate([f_t[forced], po_t])
    srt = np.lexsort((o_t, o_owner))
    o_owner, o_t = o_owner[srt], o_t[srt]
    rank, n_cand, _ = _ranks(o_owner, n)
    # 3) BG/NBD dropout: after each purchase the customer leaves with prob p,
    #    i.e. they make K ~ Geometric(p) purchases at most (p = 0: never leave).
    p = C.dropout
    k_max = np.where(p > 0, rng.geometric(np.where(p > 0, p, 0.5)), BIG)
    limit = np.minimum(k_max, C.max_orders)
    keep = rank < limit[o_owner]
    first_row = rank[keep] == 0
    o_owner, o_t = o_owner[keep], o_t[keep]
    n_orders = np.minimum(n_cand, limit)
    # 4) when does the customer go quiet? Dropped-out customers (they reached
    #    their K-th / last allowed purchase) linger a little after that order;
    #    never-buyers fade after a persona-specific engaged lifetime.
    dropped = (n_cand >= limit) & (n_cand > 0)
    last_kept = np.minimum(_group_starts(n_orders) + n_orders - 1, max(o_t.size - 1, 0))
    t_drop = np.where(dropped, o_t[last_kept] if o_t.size else 0, 0)
    alive = stop.astype(np.float64)
    linger = rng.exponential(1.0, n) * C.linger_days * US_PER_DAY
    prospect = rng.exponential(1.0, n) * C.prospect_life_days * US_PER_DAY
    alive = np.where(dropped, np.minimum(alive, t_drop + linger), alive)
    alive = np.where(n_cand == 0, np.minimum(alive, s + prospect), alive)
    alive = np.maximum(alive, s).astype(np.int64)
    first_order_t = np.full(n, end + 1, dtype=np.int64)   # end + 1 = never
    first_order_t[o_owner[first_row]] = o_t[first_row]
    C.alive = alive

    # ---------------------------------------------------------------- campaigns
    rct = _campaign_effects(rng, ctx, C, first_order_t)
    np.minimum.at(first_order_t, rct["inc_owner"], rct["inc_t"])

    # ---------------------------------------------------------------- emails
    email = _email_events(rng, ctx, C, *rct["treated"])

    # ---------------------------------------------------------------- sessions
    # (base orders and the campaigns' incremental orders are order sessions)
    sess_owner = [o_owner, rct["inc_owner"]]
    sess_t = [o_t, rct["inc_t"]]
    sess_type = [np.full(o_owner.size + rct["inc_owner"].size, S_ORDER, np.int8)]
    n_rct = ctx.rct_camp.size
    # signup session (browsing) unless the first order happened in it
    signup_browse = ~C.ghost & ~at_signup
    sess_owner.append(all_c[signup_browse])
    sess_t.append(s[signup_browse])
    sess_type.append(np.full(signup_browse.sum(), S_BROWSE, np.int8))
    for kind, rate, curve in ((S_BROWSE, C.browse_rate, C.browse_curve),
                              (S_ABANDON, C.abandon_rate, C.browse_curve),
                              (S_GLANCE, C.glance_rate, C.browse_curve)):
        ow, t = _nhpp_by_curve(rng, ctx, C, curve, rate, s, alive)
        sess_owner.append(ow)
        sess_t.append(t)
        sess_type.append(np.full(ow.size, kind, np.int8))
    sess_owner.append(email["click_session_owner"])
    sess_t.append(email["click_session_t"])
    sess_type.append(np.full(email["click_session_owner"].size, S_BROWSE, np.int8))
    s_owner = np.concatenate(sess_owner)
    s_t0 = np.concatenate(sess_t).astype(np.int64)
    s_type = np.concatenate(sess_type)
    s_rct = np.full(s_owner.size, -1, dtype=np.int64)   # campaign of incremental orders
    s_rct[o_owner.size:o_owner.size + rct["inc_owner"].size] = rct["inc_campaign"]
    srt = np.lexsort((s_type, s_t0, s_owner))
    s_owner, s_t0, s_type, s_rct = s_owner[srt], s_t0[srt], s_type[srt], s_rct[srt]
    n_sess = s_owner.size
    s_app = (s_type == S_GLANCE) | (rng.random(n_sess) < C.app_share[s_owner])
    s_premium = rng.random(n_sess) < C.premium[s_owner]
    s_num = np.arange(n_sess, dtype=np.int64)
    is_order = s_type == S_ORDER
    ord_of_sess = np.where(is_order, np.cumsum(is_order) - 1, -1)
    n_ord = int(is_order.sum())
    ord_num = np.arange(n_ord, dtype=np.int64)

    sev = _session_events(rng, ctx, C, s_owner, s_t0, s_type, s_app, s_premium)

    # ---------------------------------------------------------------- order lines
    ord_sess = np.flatnonzero(is_order)
    ord_owner = s_owner[ord_sess]
    season = ctx.season_day[np.clip((s_t0[ord_sess] - start) // US_PER_DAY, 0, ctx.n_days - 1)]
    p_disc = np.minimum(0.98, C.discount_prop[ord_owner] * np.where(season, 1.5, 1.0))
    discounted = rng.random(n_ord) < p_disc
    rate = np.clip(np.round(C.discount_depth[ord_owner] * np.exp(rng.normal(0, 0.3, n_ord))
                            / 0.05) * 0.05, 0.05, 0.6)
    rate = np.where(discounted, rate, 0.0)

    line = np.flatnonzero(sev["phase"] == PH_LINE)
    l_ord = ord_of_sess[sev["sess"][line]]
    l_owner = s_owner[sev["sess"][line]]
    l_prod = sev["product"][line]
    l_cat = ctx.catalog.category[l_prod]
    qty = 1 + rng.poisson(C.quantity_extra[l_owner] + ctx.catalog.category_qty[l_cat])
    qty = np.minimum(qty, 9).astype(np.int32)
    gross = ctx.catalog.price[l_prod] * qty
    disc = np.round(gross * rate[l_ord], 2)
    rev = np.round(gross - disc, 2)
    # Lines are grouped by order (sessions are in order). An order is complete
    # only if its last line happened by the end date; its time is that line's.
    ord_lines = np.bincount(l_ord, minlength=n_ord)       # >= 1 for every order
    ord_first_line = _group_starts(ord_lines)
    ord_t = sev["t"][line][ord_first_line + ord_lines - 1]
    ord_valid = ord_t <= end
    ord_rct = s_rct[ord_sess]
    inc_orders = np.bincount(ord_rct[ord_valid & (ord_rct >= 0)], minlength=n_rct)
    ord_gross = np.round(np.bincount(l_ord, weights=rev, minlength=n_ord), 2)
    revenue = np.full(sev["t"].size, np.nan)
    discount = np.full(sev["t"].size, np.nan)
    quantity = np.full(sev["t"].size, -1, dtype=np.int32)
    order_code = np.full(sev["t"].size, -1, dtype=np.int64)
    revenue[line], discount[line], quantity[line] = rev, disc, qty
    order_code[line] = ord_num[l_ord]
    sess_keep = sev["t"] <= end
    sess_keep[line] &= ord_valid[l_ord]

    parts = [dict(
        cust=s_owner[sev["sess"]], t=sev["t"], etype=PHASE_EVENT[sev["phase"]],
        sess=s_num[sev["sess"]], order=order_code, revenue=revenue, discount=discount,
        product=sev["product"], quantity=quantity,
        channel=np.where(s_app[sev["sess"]], CH_APP, CH_WEB).astype(np.int8),
        keep=sess_keep,
    )]

    # ---------------------------------------------------------------- refunds
    refunded = ord_valid & (rng.random(n_ord) < C.refund_prob[ord_owner])
    rf_t = ord_t + ((1.0 + 29.0 * rng.random(n_ord)) * US_PER_DAY).astype(np.int64)
    refunded &= rf_t <= end                 # refunds after the end date never happened
    full = rng.random(n_ord) < FULL_REFUND_P
    # partial: one line's revenue for multi-line orders, else 20-80% of the order
    pick_line = ord_first_line + np.floor(rng.random(n_ord) * ord_lines).astype(np.int64)
    line_rev = rev[np.minimum(pick_line, max(rev.size - 1, 0))] if rev.size else np.zeros(n_ord)
    partial = np.where(ord_lines >= 2, line_rev,
                       np.round(ord_gross * rng.uniform(0.2, 0.8, n_ord), 2))
    amount = np.where(full, ord_gross, np.clip(partial, 0.01, ord_gross))
    r = np.flatnonzero(refunded)
    parts.append(dict(cust=ord_owner[r], t=rf_t[r], etype=ET["order_refunded"],
                      order=ord_num[r], revenue=amount[r]))

    # ---------------------------------------------------------------- reviews
    reviewed = ord_valid & (rng.random(n_ord) < C.review_prob[ord_owner])
    rv_t = ord_t + ((2.0 + 23.0 * rng.random(n_ord)) * US_PER_DAY).astype(np.int64)
    reviewed &= rv_t <= end
    r = np.flatnonzero(reviewed)
    first_prod = l_prod[ord_first_line[r]] if r.size else np.zeros(0, np.int32)
    parts.append(dict(cust=ord_owner[r], t=rv_t[r], etype=ET["review_submitted"],
                      product=first_prod))

    # ---------------------------------------------------------------- referrals
    buyer = first_order_t <= end
    ref_lo = np.where(buyer, first_order_t, alive)
    ow, t = _nhpp_by_curve(rng, ctx, C, np.full(n, ctx.curve_names.index("flat")),
                           C.referral_rate * buyer, ref_lo, alive)
    parts.append(dict(cust=ow, t=t, etype=ET["referral_made"]))

    # ---------------------------------------------------------------- campaign events
    owner, t, camp_code, variant = rct["assigned"]
    parts.append(dict(cust=owner, t=t, etype=ET["campaign_assigned"], channel=CH_EMAIL,
                      campaign=camp_code, variant=variant))

    # ---------------------------------------------------------------- email events
    for key, code in (("sent", "email_sent"), ("opened", "email_opened"),
                      ("clicked", "email_clicked")):
        owner, t, camp = email[key]
        parts.append(dict(cust=owner, t=t, etype=ET[code], channel=CH_EMAIL, campaign=camp))

    events = _assemble(parts, end)
    info = dict(persona=persona, signup=s, sessions=int((sev["t0"] <= end).sum()),
                orders=int(ord_valid.sum()),
                campaigns=np.stack([rct["treatment"], rct["control"], inc_orders], axis=1))
    return events, info, n_sess, n_ord


def _campaign_effects(rng, ctx: Context, C, first_order_t: np.ndarray) -> dict:
    """Randomized campaigns: eligibility, treatment/control assignment and the
    incremental orders of treated customers.

    A customer is eligible for a campaign if they have any events at all (not
    a ghost), signed up before its send time and had not gone quiet more than
    CAMPAIGN_RECENT_DAYS before it. Every eligible customer is assigned
    independently: treatment with probability CAMPAIGN_TREATMENT_SHARE, else
    control. A treated customer places one incremental order with probability
    CAMPAIGN_UPLIFT[persona] (holiday column for holiday campaigns) at a random
    time 1-14 days after the send time. The draw is made for every treated
    customer; the order is then left out where it cannot happen: after the end
    date, inside the quiet period of a persona with a forced stop (lapsed
    regulars: lapse_days lo before the end date) and, for new customers, when
    they have not placed their first order before the campaign.
    """
    n, end = C.n, ctx.end_us
    k_n = ctx.rct_camp.size
    t_send = ctx.camp_t[ctx.rct_camp]
    eligible = (~C.ghost[:, None] & (C.signup[:, None] < t_send)
                & (C.alive[:, None] > t_send - CAMPAIGN_RECENT_DAYS * US_PER_DAY))
    treated = eligible & (rng.random((n, k_n)) < CAMPAIGN_TREATMENT_SHARE)
    draw = rng.random((n, k_n))
    # latest possible incremental order: the end date or the persona's quiet period
    lapse_lo = ctx.ptab["lapse_days"][C.persona, 0]
    if ctx.uplift_by_purchase_state is None:
        uplift = ctx.ptab["uplift"][C.persona][:, ctx.rct_holiday.astype(np.int64)]
        converts = treated & (draw < uplift)
    else:  # uplift by purchase state: no persona limit, only the end date
        converts = _converts_by_purchase_state(ctx, treated, draw, first_order_t, t_send)
        lapse_lo = np.full(n, np.nan)
    cap = end - np.where(np.isnan(lapse_lo), 0.0, lapse_lo) * US_PER_DAY - 2 * US_PER_HOUR
    lo = (t_send + CAMPAIGN_EFFECT_DAYS[0] * US_PER_DAY).astype(np.float64)
    hi = np.minimum(t_send + CAMPAIGN_EFFECT_DAYS[1] * US_PER_DAY - 2 * US_PER_HOUR,
                    cap[:, None])
    converts &= hi > lo
    if ctx.uplift_by_purchase_state is None:
        is_new = C.persona == PERSONA_NAMES.index("new_customer")
        converts &= ~is_new[:, None] | (first_order_t[:, None] < t_send)
    io, ik = np.nonzero(converts)                       # by customer, then campaign
    lo_i, hi_i = lo[ik], hi[io, ik]
    inc_t = _place_in_day(rng, ctx, lo_i + rng.random(io.size) * (hi_i - lo_i), io,
                          lo_i, hi_i, C)
    ao, ak = np.nonzero(eligible)
    arm = treated[ao, ak]
    return dict(
        assigned=(ao, t_send[ak], ctx.rct_camp[ak], np.where(arm, 0, 1).astype(np.int8)),
        treated=(ao[arm], ctx.rct_camp[ak[arm]]),
        inc_owner=io, inc_t=inc_t, inc_campaign=ik,
        treatment=treated.sum(axis=0), control=(eligible & ~treated).sum(axis=0),
    )


def _converts_by_purchase_state(ctx: Context, treated: np.ndarray, draw: np.ndarray,
                                first_order_t: np.ndarray, t_send: np.ndarray) -> np.ndarray:
    """Incremental-order draws of generate(campaign_uplift_by_purchase_state=...):
    a treated customer's probability is the prospect uplift when they had
    placed no order before the send time, else the buyer uplift, whatever the
    persona. An order is a base order or the incremental order of an earlier
    randomized campaign (it lies before the next send: campaigns are further
    apart than CAMPAIGN_EFFECT_DAYS, and at least CAMPAIGN_TAIL_DAYS before the
    end date, so the order is always placed). Refunded orders count too. So
    the campaign moves converted prospects out of the prospects: their
    segment after the campaign is not the one they were randomized in."""
    prospect_uplift, buyer_uplift = ctx.uplift_by_purchase_state
    if np.any(np.diff(t_send) <= CAMPAIGN_EFFECT_DAYS[1] * US_PER_DAY):
        raise ValueError("randomized campaigns closer than CAMPAIGN_EFFECT_DAYS apart")
    converts = np.zeros_like(treated)
    converted_before = np.zeros(treated.shape[0], dtype=bool)
    for k in range(t_send.size):                        # t_send is in time order
        buyer = (first_order_t < t_send[k]) | converted_before
        converts[:, k] = treated[:, k] & (draw[:, k] < np.where(buyer, buyer_uplift, prospect_uplift))
        converted_before |= converts[:, k]
    return converts


def _email_events(rng, ctx: Context, C, forced_owner=None, forced_camp=None) -> dict:
    """Marketing emails sent to subscribers, their opens and clicks, and the
    web/app sessions that clicks start. ``forced_owner``/``forced_camp`` are
    extra sends (randomized campaigns: every treated customer gets the email;
    those campaigns have camp_incl 0, so nobody else does)."""
    n, end = C.n, ctx.end_us
    unsub = C.signup + rng.exponential(1.0, n) * C.unsubscribe_days * US_PER_DAY
    lo = np.searchsorted(ctx.camp_t, C.signup, side="left")
    hi = np.searchsorted(ctx.camp_t, np.minimum(unsub, end), side="right")
    cnt = np.where(C.subscribed, np.maximum(hi - lo, 0), 0)
    owner = np.repeat(np.arange(n), cnt)
    camp = lo[owner] + (np.arange(owner.size) - np.repeat(_group_starts(cnt), cnt))
    targeted = rng.random(owner.size) < ctx.camp_incl[camp]
    owner, camp = owner[targeted], camp[targeted]
    if forced_owner is not None:
        owner = np.concatenate([owner, np.asarray(forced_owner, dtype=owner.dtype)])
        camp = np.concatenate([camp, np.asarray(forced_camp, dtype=camp.dtype)])
    m = owner.size
    sent_t = ctx.camp_t[camp] + (rng.random(m) * 40 * US_PER_MIN).astype(np.int64)
    quiet = sent_t > C.alive[owner]
    p_open = C.open_rate[owner] * ctx.camp_open_mult[camp] * \
        np.where(quiet, C.dormant_open_factor[owner], 1.0)
    open_delay = np.minimum(np.exp(rng.normal(np.log(90.0), 1.3, m)), 7 * 24 * 60.0)
    open_t = sent_t + (open_delay * US_PER_MIN).astype(np.int64)
    opened = (rng.random(m) < np.minimum(p_open, 0.97)) & (open_t <= end)
    click_t = open_t + ((3.0 + rng.exponential(40.0, m)) * US_PER_SEC).astype(np.int64)
    clicked = opened & (rng.random(m) < C.click_rate[owner]) & (click_t <= end)
    starts_session = clicked & (rng.random(m) < C.click_session[owner]) & \
        (click_t <= C.alive[owner])
    keep_sent = sent_t <= end
    return {
        "sent": (owner[keep_sent], sent_t[keep_sent], camp[keep_sent]),
        "opened": (owner[opened], open_t[opened], camp[opened]),
        "clicked": (owner[clicked], click_t[clicked], camp[clicked]),
        "click_session_owner": owner[starts_session],
        "click_session_t": click_t[starts_session]
        + (rng.uniform(2.0, 30.0, starts_session.sum()) * US_PER_SEC).astype(np.int64),
    }


def _session_events(rng, ctx: Context, C, s_owner, s_t0, s_type, s_app, s_premium) -> dict:
    """Expand sessions into their events.

    Each session is laid out in phases: [app_open] page_view(s) search(es)
    product_view(s) add_to_cart(s) [remove_from_cart] [checkout_started]
    [order lines]. The landing page view comes first; other browsing events
    are shuffled; funnel events follow in order. Carted products are the
    first viewed products and order lines are the first carted products.
    """
    n_s = s_owner.size
    is_o, is_a = s_type == S_ORDER, s_type == S_ABANDON
    is_b, is_g = s_type == S_BROWSE, s_type == S_GLANCE
    lines = np.where(is_o, np.searchsorted(np.cumsum(LINES_P), rng.random(n_s) * 0.999999,
                                           side="right") + 1, 0)
    extra = is_o & (rng.random(n_s) < 0.2)         # carted, then removed again
    n_app = s_app.astype(np.int64)
    n_pv = np.where(is_g, rng.random(n_s) < 0.4, 1 + rng.poisson(np.where(is_o, 0.8, 1.0)))
    n_search = np.where(is_g, 0, rng.poisson(0.4, n_s))
    browse_atc = is_b & (rng.random(n_s) < C.browse_atc[s_owner])
    n_atc = np.where(is_o, lines + extra, np.where(is_a, 1 + rng.poisson(0.6, n_s), browse_atc))
    n_prod = np.where(is_g, 0, n_atc + rng.poisson(1.3 * C.view_mult[s_owner]))
    n_rfc = np.where(is_o, extra, is_a & (rng.random(n_s) < 0.3))
    n_co = np.where(is_o, 1, is_a & (rng.random(n_s) < 0.45))
    cnt = np.stack([n_app, n_pv, n_search, n_prod, n_atc, n_rfc, n_co, lines],
                   axis=1).astype(np.int64)

    # canonical layout: sessions one after another, phases in order
    flat = cnt.ravel()
    tot = cnt.sum(axis=1)
    phase = np.repeat(np.tile(np.arange(8, dtype=np.int8), n_s), flat)
    sess = np.repeat(np.arange(n_s), tot)
    grp_start = _group_starts(flat)
    j = np.arange(phase.size) - np.repeat(grp_start, flat)   # index within phase
    n_ev = phase.size

    # products: views first, carts and lines reuse the first viewed products
    product = np.full(n_ev, -1, dtype=np.int32)
    pv = np.flatnonzero(phase == PH_PROD)
    product[pv] = _draw_products(rng, ctx, s_owner[sess[pv]], s_premium[sess[pv]], C)
    # the products bought in one order must be distinct: redraw duplicates
    bought = pv[j[pv] < lines[sess[pv]]]
    n_products = ctx.catalog.price.size
    for _ in range(50):
        key = sess[bought] * n_products + product[bought]
        order = np.argsort(key, kind="stable")
        dup = np.zeros(bought.size, dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        if not dup.any():
            break
        d = bought[dup]
        product[d] = _draw_products(rng, ctx, s_owner[sess[d]], s_premium[sess[d]], C)
    pv_start = grp_start.reshape(n_s, 8)[:, PH_PROD]
    for ph in (PH_ATC, PH_LINE):
        idx = np.flatnonzero(phase == ph)
        product[idx] = product[pv_start[sess[idx]] + j[idx]]

    # order inside each session: the canonical layout already has app_open,
    # the landing page view, browsing, then the funnel; only the browsing
    # events (later page views, searches, product views - one contiguous slice
    # per session) are shuffled within their slice.
    browsing = np.flatnonzero(((phase == PH_PV) & (j > 0)) | (phase == PH_SEARCH)
                              | (phase == PH_PROD))
    shuffled = browsing[np.argsort(sess[browsing] + rng.random(browsing.size))]
    phase[browsing], j[browsing], product[browsing] = \
        phase[shuffled], j[shuffled], product[shuffled]

    # timing: think-time gaps; order lines a fraction of a second apart
    gap_s = np.where(phase == PH_LINE,
                     np.where(j == 0, rng.uniform(2.0, 20.0, n_ev), rng.uniform(0.05, 1.5, n_ev)),
                     2.0 + rng.exponential(35.0, n_ev))
    gap = (gap_s * US_PER_SEC).astype(np.int64)
    first = _group_starts(tot)
    gap[first] = 0
    c = np.cumsum(gap)
    rel = c - c[first][sess]
    # Sessions still running at the end of the window are simply cut off there
    # (the caller drops events after the end date and orders not completed).
    return dict(phase=phase, sess=sess, product=product, t=s_t0[sess] + rel, t0=s_t0)


def _assemble(parts: list[dict], end_us: int) -> dict:
    """Concatenate event parts (missing columns -> null codes), drop anything
    after the end date, and sort by customer then time."""
    defaults = dict(sess=(-1, np.int64), order=(-1, np.int64), revenue=(np.nan, np.float64),
                    discount=(np.nan, np.float64), product=(-1, np.int32),
                    quantity=(-1, np.int32), channel=(-1, np.int8), campaign=(-1, np.int32),
                    variant=(-1, np.int8))
    cols: dict[str, list] = {k: [] for k in ("cust", "t", "etype", *defaults, "keep")}
    for part in parts:
        m = np.asarray(part["cust"]).size
        cols["cust"].append(np.asarray(part["cust"], dtype=np.int64))
        cols["t"].append(np.asarray(part["t"], dtype=np.int64))
        cols["etype"].append(np.broadcast_to(np.asarray(part["etype"], np.int8), (m,)))
        for key, (fill, dtype) in defaults.items():
            value = part.get(key, fill)
            cols[key].append(np.broadcast_to(np.asarray(value, dtype=dtype), (m,)))
        cols["keep"].append(np.broadcast_to(np.asarray(part.get("keep", True)), (m,)))
    ev = {k: np.concatenate(v) for k, v in cols.items()}
    keep = ev.pop("keep") & (ev["t"] <= end_us)
    order = np.flatnonzero(keep)
    cust, t = ev["cust"][order], ev["t"][order]
    if order.size:
        t_rel = t - t.min()
        span = int(t_rel.max()) + 1
        if int(cust.max()) < np.iinfo(np.int64).max // span:   # one int64 sort key
            order = order[np.argsort(cust * span + t_rel, kind="stable")]
        else:
            order = order[np.lexsort((t, cust))]
    return {k: v[order] for k, v in ev.items()}


# =============================================================================
# Arrow tables
# =============================================================================
OFFSET_COLUMNS = ("event_id", "session_id", "order_id")  # numbered across blocks


def _events_table_local(ctx: Context, ev: dict, first_customer: int) -> pa.Table:
    """Events table without the columns numbered across blocks (OFFSET_COLUMNS)."""
    cat = ctx.catalog
    prod = ev["product"]
    category = np.where(prod >= 0, cat.category[np.maximum(prod, 0)], -1)
    local = [f for f in EVENTS_SCHEMA if f.name not in OFFSET_COLUMNS]
    return pa.Table.from_arrays([
        _fixed_width_ids("c", first_customer + ev["cust"] + 1, ctx.customer_digits),
        _lookup(EVENT_TYPES, ev["etype"]),
        _numeric_array(ev["t"], pa.timestamp("us")),
        _numeric_array(ev["revenue"], pa.float64(), np.isnan(ev["revenue"])),
        _numeric_array(ev["discount"], pa.float64(), np.isnan(ev["discount"])),
        _lookup(cat.product_ids, prod),
        _lookup([c[0] for c in CATEGORIES], category),
        _numeric_array(ev["quantity"], pa.int32(), ev["quantity"] < 0),
        _lookup(CHANNELS, ev["channel"]),
        _lookup(ctx.camp_ids, ev["campaign"]),
        _lookup(CAMPAIGN_VARIANTS, ev["variant"]),
    ], schema=pa.schema(local))


def _events_table(local: pa.Table, sess: np.ndarray, order: np.ndarray,
                  first_event: int, first_session: int, first_order: int) -> pa.Table:
    """Full events table: block-local columns plus globally numbered ids."""
    n = local.num_rows
    ids = {
        "event_id": _fixed_width_ids("e", first_event + np.arange(1, n + 1), EVENT_ID_DIGITS),
        "session_id": _fixed_width_ids("s", first_session + sess + 1, SESSION_ID_DIGITS,
                                       sess >= 0),
        "order_id": _fixed_width_ids("o", first_order + order + 1, ORDER_ID_DIGITS,
                                     order >= 0),
    }
    return pa.Table.from_arrays(
        [ids[f.name] if f.name in ids else local.column(f.name) for f in EVENTS_SCHEMA],
        schema=EVENTS_SCHEMA)


def _text(value: str) -> pa.Scalar:
    return _string_array([value])[0]


def _join(*parts, sep: str) -> pa.Array:
    """Element-wise string concatenation with a separator."""
    return pc.binary_join_element_wise(*parts, _text(sep))


def _customer_tables(rng, ctx: Context, info: dict, first_customer: int):
    """customers and personas tables of one block (drawn after the events)."""
    persona, signup = info["persona"], info["signup"]
    n = persona.size
    num = first_customer + np.arange(1, n + 1)
    cid = _fixed_width_ids("c", num, ctx.customer_digits)
    first = _lookup(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), n))
    last = _lookup(LAST_NAMES, rng.integers(0, len(LAST_NAMES), n))
    handle = pc.replace_substring(pc.utf8_lower(last), " ", "")
    # first.last.<customer number>@example.com - unique per customer
    email = _join(_join(pc.utf8_lower(first), handle,
                        pc.cast(_numeric_array(num, pa.int64()), pa.string()), sep="."),
                  _text("example.com"), sep="@")
    shares = np.array([c[1] for c in COUNTRIES])
    country = np.searchsorted(np.cumsum(shares) / shares.sum(), rng.random(n) * 0.999999,
                              side="right")
    phone = _join(_lookup([c[2] for c in COUNTRIES], country),
                  pc.cast(_numeric_array(rng.integers(100_000_000, 1_000_000_000, n),
                                         pa.int64()), pa.string()), sep=" ")
    age_days = np.clip(rng.normal(39.0, 13.0, n), 18.0, 85.0) * DAYS_PER_YEAR
    birth = (signup // US_PER_DAY - age_days).astype(np.int32)
    no_birth = rng.random(n) < 0.4
    acq = (rng.random(n)[:, None] >= ctx.ptab["acquisition_cdf"][persona]).sum(axis=1)
    acq = np.minimum(acq, len(ACQUISITION_CHANNELS) - 1)
    customers = pa.Table.from_arrays([
        cid, _numeric_array(signup, pa.timestamp("us")), email, first, last, phone,
        _numeric_array(birth, pa.date32(), no_birth),
        _lookup([c[0] for c in COUNTRIES], country),
        _lookup(ACQUISITION_CHANNELS, acq),
    ], schema=CUSTOMERS_SCHEMA)
    personas = pa.Table.from_arrays([cid, _lookup(PERSONA_NAMES, persona)],
                                    schema=PERSONAS_SCHEMA)
    return customers, personas


def _consent_tables(ctx: Context, seed: int, block: int, info: dict, customer_ids: pa.Array):
    """consents table of one block, and the number of its customers consenting
    per channel at the end of the end date (latest record by then, ``opt_out``
    winning a tie at the same instant). Drawn from the block's own stream
    ``SeedSequence(seed, spawn_key=(2, block))``, so consent never shifts the
    random numbers behind events, customers or personas."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(2, block)))
    persona, signup = info["persona"], info["signup"].astype(np.int64)
    n, k_n = persona.size, len(CONSENT_CHANNELS)
    p_in = np.array([[{**CONSENT_OPT_IN["regular"], **CONSENT_OPT_IN.get(name, {})}[ch]
                      for ch in CONSENT_CHANNELS] for name in PERSONA_NAMES])[persona]
    initial_in = (rng.random((n, k_n)) < p_in).ravel()
    # changes: Poisson over signup .. end date + CONSENT_LATE_DAYS, each one a flip
    span = (ctx.end_us + CONSENT_LATE_DAYS * US_PER_DAY - signup).astype(np.float64)
    rate = np.array([CONSENT_CHANGE_RATE[ch] for ch in CONSENT_CHANNELS])
    changes = rng.poisson(rate[None, :] * span[:, None] / (US_PER_DAY * DAYS_PER_YEAR)).ravel()
    pair = np.repeat(np.arange(n * k_n), changes)          # customer * k_n + channel
    t = signup[pair // k_n] + (rng.random(pair.size) * span[pair // k_n]).astype(np.int64)
    order = np.lexsort((t, pair))
    pair, t = pair[order], t[order]
    rank = np.arange(pair.size) - np.repeat(_group_starts(changes), changes)
    change_in = initial_in[pair] ^ (rank % 2 == 0)         # the first change flips the initial status
    tie = rng.random(pair.size) < CONSENT_TIE_SHARE        # also recorded with the opposite status
    all_pair = np.concatenate([np.arange(n * k_n), pair, pair[tie]])
    all_t = np.concatenate([signup.repeat(k_n), t, t[tie]])
    all_out = np.concatenate([~initial_in, ~change_in, change_in[tie]])
    order = np.lexsort((all_out, all_t, all_pair))
    all_pair, all_t, all_out = all_pair[order], all_t[order], all_out[order]
    consents = pa.Table.from_arrays([
        pc.take(customer_ids, _numeric_array(all_pair // k_n, pa.int64())),
        _lookup(CONSENT_CHANNELS, all_pair % k_n),
        _lookup(CONSENT_STATUSES, all_out.astype(np.int32)),
        _numeric_array(all_t, pa.timestamp("us")),
    ], schema=CONSENTS_SCHEMA)
    # ground truth: the last record of each pair by the end date (sorted by
    # pair, time, opt_out last: the last row of a pair is the one in force)
    known = all_t <= ctx.end_us
    k_pair, k_out = all_pair[known], all_out[known]
    last = np.flatnonzero(np.append(k_pair[1:] != k_pair[:-1], True))
    consenting = np.bincount(k_pair[last][~k_out[last]] % k_n, minlength=k_n)
    return consents, consenting


# =============================================================================
# Public API
# =============================================================================
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dsn_from_env() -> dict:
    """Connection settings from the standard libpq environment variables."""
    return dict(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=int(os.environ.get("PGPORT", "5432")),
        user=os.environ.get("PGUSER", "postgres"),
        password=os.environ.get("PGPASSWORD", ""),
        dbname=os.environ.get("PGDATABASE", "postgres"),
    )


def _block_result(ctx: Context, seed: int, block: int, block_size: int,
                  customers: int) -> dict:
    """Simulate one block and build everything that does not depend on other
    blocks. Pure function of (seed, block, block_size, context)."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(1, block)))
    first_customer = block * block_size
    n = min(block_size, customers - first_customer)
    ev, info, n_sess, n_ord = _simulate_block(ctx, rng, n)
    customer_tab, persona_tab = _customer_tables(rng, ctx, info, first_customer)
    consent_tab, consenting = _consent_tables(ctx, seed, block, info, customer_tab["customer_id"])
    return dict(
        events=_events_table_local(ctx, ev, first_customer),
        sess=ev["sess"].astype(np.int32), order=ev["order"].astype(np.int32),
        n_sessions=n_sess, n_orders=n_ord, customers=customer_tab, personas=persona_tab,
        consents=consent_tab, consenting=consenting,
        sessions_present=info["sessions"], orders_present=info["orders"],
        type_counts=np.bincount(ev["etype"], minlength=len(EVENT_TYPES)),
        persona_counts=np.bincount(info["persona"], minlength=len(PERSONA_NAMES)),
        campaign_counts=info["campaigns"],
    )


def generate(customers: int, seed: int, out, end_date="2026-10-31", years: int = 2,
             postgres: bool = False, quiet: bool = True,
             block_size: int = DEFAULT_BLOCK_SIZE,
             campaign_uplift_by_purchase_state: dict | None = None) -> dict:
    """Write the demo data set to ``out`` and return its manifest.

    Identical arguments give byte-identical Parquet files. ``block_size`` is the
    number of customers simulated (and written as one row group) at a time; it
    is part of the random-stream layout, so changing it changes the data.

    ``campaign_uplift_by_purchase_state`` (for tests; None = the persona
    uplift of CAMPAIGN_UPLIFT, the demo): ``{"prospect": p, "buyer": b}``
    plants the randomized campaigns' uplift by the customer's purchase state
    at the send time instead: a treated customer who had placed no order
    before it places an incremental order with probability p, one who had
    with probability b (see _converts_by_purchase_state). The campaign thus
    moves treated prospects out of the prospects. The other draws are the
    same; the manifest records the option under campaign_design.

    The main thread simulates block after block; a single writer thread numbers
    the ids and encodes Parquet (Arrow releases the GIL), so writing block b
    overlaps simulating block b+1. Jobs run in submission order, hence the
    files do not depend on timing.
    """
    if customers < 1:
        raise ValueError("customers must be >= 1")
    if block_size < 1:
        raise ValueError("block_size must be >= 1")
    end_date = str(_parse_date(end_date))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    by_state = None
    if campaign_uplift_by_purchase_state is not None:
        state = dict(campaign_uplift_by_purchase_state)
        if set(state) != {"prospect", "buyer"} \
                or not all(0.0 <= float(u) <= 1.0 for u in state.values()):
            raise ValueError("campaign_uplift_by_purchase_state: {'prospect': p, 'buyer': b}, "
                             "probabilities in [0, 1]")
        by_state = (float(state["prospect"]), float(state["buyer"]))
    ctx = _build_context(int(seed), end_date, int(years), int(customers), by_state)
    paths = {name: out / f"{name}.parquet" for name in TABLE_SCHEMAS}
    writers = {name: pq.ParquetWriter(paths[name], schema, **PARQUET_OPTIONS,
                                      **PARQUET_TABLE_OPTIONS[name])
               for name, schema in TABLE_SCHEMAS.items()}
    totals = dict(events=0, sessions=0, orders=0, sessions_present=0, orders_present=0,
                  consents=0)
    consenting = np.zeros(len(CONSENT_CHANNELS), dtype=np.int64)
    type_counts = np.zeros(len(EVENT_TYPES), dtype=np.int64)
    persona_counts = np.zeros(len(PERSONA_NAMES), dtype=np.int64)
    campaign_counts = np.zeros((ctx.rct_camp.size, 3), dtype=np.int64)
    n_blocks = -(-customers // block_size)
    progress = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm
        progress = tqdm(total=customers, unit="cust", desc="generating")

    def write_block(res: dict, first_event: int, first_session: int, first_order: int):
        events = _events_table(res["events"], res["sess"], res["order"],
                               first_event, first_session, first_order)
        writers["events"].write_table(events, row_group_size=max(events.num_rows, 1))
        for name in ("customers", "personas", "consents"):
            writers[name].write_table(res[name], row_group_size=max(res[name].num_rows, 1))

    pending: deque = deque()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            for b in range(n_blocks):
                res = _block_result(ctx, int(seed), b, int(block_size), int(customers))
                while len(pending) >= 2:         # bound memory: <= 2 blocks queued
                    pending.popleft().result()
                pending.append(pool.submit(write_block, res, totals["events"],
                                           totals["sessions"], totals["orders"]))
                totals["events"] += res["events"].num_rows
                totals["consents"] += res["consents"].num_rows
                consenting += res["consenting"]
                totals["sessions"] += res["n_sessions"]
                totals["orders"] += res["n_orders"]
                totals["sessions_present"] += res["sessions_present"]
                totals["orders_present"] += res["orders_present"]
                type_counts += res["type_counts"]
                persona_counts += res["persona_counts"]
                campaign_counts += res["campaign_counts"]
                if progress is not None:
                    progress.update(res["customers"].num_rows)
            while pending:
                pending.popleft().result()     # re-raise writer errors
    finally:
        for w in writers.values():
            w.close()
        if progress is not None:
            progress.close()

    manifest = {
        "generator": "segwh.generate",
        "version": GENERATOR_VERSION,
        "params": {"customers": int(customers), "seed": int(seed), "end_date": end_date,
                   "years": int(years), "block_size": int(block_size)},
        "window": {
            "start": str(np.datetime64(ctx.start_us, "us")),
            "end": str(np.datetime64(ctx.end_us, "us")),
        },
        "row_counts": {"events": int(totals["events"]), "customers": int(customers),
                       "personas": int(customers), "consents": int(totals["consents"])},
        "sessions": int(totals["sessions_present"]),
        "orders": int(totals["orders_present"]),
        "event_types": {t: int(c) for t, c in zip(EVENT_TYPES, type_counts)},
        "personas": {p: int(c) for p, c in zip(PERSONA_NAMES, persona_counts)},
        "campaign_design": {
            "treatment_share": CAMPAIGN_TREATMENT_SHARE,
            "eligible": f"customers with events who signed up before the send time "
                        f"and had not gone quiet more than {CAMPAIGN_RECENT_DAYS:g} "
                        f"days before it",
            "incremental_order_days": list(CAMPAIGN_EFFECT_DAYS),
            "uplift": {p: {"default": CAMPAIGN_UPLIFT[p][0], "holiday": CAMPAIGN_UPLIFT[p][1]}
                       for p in PERSONA_NAMES},
            **({} if by_state is None else {
                "uplift_by_purchase_state": {"prospect": by_state[0], "buyer": by_state[1],
                                             "replaces": "uplift"}}),
        },
        "campaigns": [
            {"campaign_id": ctx.camp_ids[int(i)].as_py(),
             "assigned_at": str(np.datetime64(int(ctx.camp_t[i]), "us")),
             "assignment_date": str(np.datetime64(int(ctx.camp_t[i]), "us")
                                    .astype("datetime64[D]")),
             "holiday": bool(hol), "treatment": int(c[0]), "control": int(c[1]),
             "incremental_orders": int(c[2])}
            for i, hol, c in zip(ctx.rct_camp, ctx.rct_holiday, campaign_counts)
        ],
        "consent_design": {
            "opt_in_at_signup": {p: {ch: {**CONSENT_OPT_IN["regular"], **CONSENT_OPT_IN.get(p, {})}[ch]
                                     for ch in CONSENT_CHANNELS} for p in PERSONA_NAMES},
            "changes_per_year": dict(CONSENT_CHANGE_RATE),
            "tie_share": CONSENT_TIE_SHARE,
            "recorded_until": str(np.datetime64(ctx.end_us + CONSENT_LATE_DAYS * US_PER_DAY, "us")),
        },
        # customers whose consent in force at the end of the end date is opt_in
        "consenting_at_end": {ch: int(c) for ch, c in zip(CONSENT_CHANNELS, consenting)},
        "files": {f"{name}.parquet": _sha256(path) for name, path in paths.items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if postgres:
        load_postgres(out, dsn_from_env(), schema=os.environ.get("RAW_SCHEMA", "raw"))
    return manifest


def load_postgres(out_dir, dsn_kwargs: dict | None = None, schema: str = "raw") -> dict:
    """Load events/customers/personas/consents Parquet files from ``out_dir`` into
    PostgreSQL ``schema`` (created if missing; tables dropped and recreated),
    streaming one row group at a time through COPY ... FROM STDIN (CSV).
    An optional file that is not there (``consents.parquet`` in a folder
    written by an older generator) drops its table, so the warehouse sees no
    such source. ``dsn_kwargs`` are psycopg2.connect() keywords (default: PG*
    env vars). Returns {table: rows loaded}."""
    import psycopg2                      # imported lazily: optional dependency
    from psycopg2 import sql
    import pyarrow.csv as pacsv

    out_dir = Path(out_dir)
    dsn = dsn_from_env() if dsn_kwargs is None else dict(dsn_kwargs)
    loaded = {}
    conn = psycopg2.connect(**dsn)
    try:
        with conn, conn.cursor() as cur:            # one transaction for all tables
            cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            for table, arrow_schema in TABLE_SCHEMAS.items():
                ident = sql.Identifier(schema, table)
                columns = sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(PG_TYPES[f.type]))
                    for f in arrow_schema)
                cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(ident))
                if table in OPTIONAL_TABLES and not (out_dir / f"{table}.parquet").exists():
                    continue
                cur.execute(sql.SQL("CREATE TABLE {} ({})").format(ident, columns))
                copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
                    ident, sql.SQL(", ").join(sql.Identifier(f.name) for f in arrow_schema)
                ).as_string(cur)
                pf = pq.ParquetFile(out_dir / f"{table}.parquet")
                rows = 0
                for rg in range(pf.num_row_groups):
                    batch = pf.read_row_group(rg).select(arrow_schema.names)
                    buf = io.BytesIO()
                    pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=False))
                    buf.seek(0)
                    cur.copy_expert(copy, buf)
                    rows += batch.num_rows
                loaded[table] = rows
    finally:
        conn.close()
    return loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segwh.generate",
        description="Generate the seeded demo data set (events, customers, consents, personas).")
    parser.add_argument("--customers", type=int, default=5000, help="number of customers")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--out", default="data/demo", help="output folder")
    parser.add_argument("--end-date", default="2026-10-31",
                        help="last day of the data, YYYY-MM-DD (inclusive, UTC)")
    parser.add_argument("--years", type=int, default=2, help="length of the window in years")
    parser.add_argument("--block-size", type=int, default=DEFAULT_BLOCK_SIZE,
                        help="customers per block (part of the random layout)")
    parser.add_argument("--postgres", action="store_true",
                        help="also load the tables into PostgreSQL (PG* env vars, "
                             "schema $RAW_SCHEMA or 'raw')")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    manifest = generate(args.customers, args.seed, args.out, end_date=args.end_date,
                        years=args.years, postgres=args.postgres, quiet=args.quiet,
                        block_size=args.block_size)
    elapsed = time.perf_counter() - t0
    if not args.quiet:
        rows = manifest["row_counts"]
        print(f"wrote {rows['events']:,} events, {rows['customers']:,} customers, "
              f"{rows['consents']:,} consent records to "
              f"{args.out} in {elapsed:.2f}s "
              f"({args.customers / elapsed:,.0f} customers/s, "
              f"{rows['events'] / elapsed:,.0f} events/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
