"""Legal and policy numbers, in one place.

Each constant names its source. Values that a municipality decides (or that change by
year) can be overridden in ``config.toml``; see ``config.py``.
"""

from __future__ import annotations

# Lag (1930:173) om beräkning av lagstadgad tid: a statutory deadline that falls on a
# non-working day moves to the next working day. Lag (1989:253) om allmänna helgdagar
# defines the public holidays; midsommarafton, julafton and nyårsafton are treated as
# holidays by 1930:173 as well. python-holidays calls those three "de_facto".
HOLIDAY_CATEGORIES = ("public", "de_facto")

# Jordabalken 12 kap. 44 § 1 st: the tenant keeps the lease if the rent is paid within
# three weeks from the day when both the tenant has been served (delgiven) the notice
# that the lease can be recovered by paying, and the landlord's notice of the
# termination and its reason has been given to social services (NJA 1985 s. 586,
# RH 2015:16): the later of the two days starts the period.
RECOVERY_PERIOD_DAYS = 21

# Jordabalken 12 kap. 44 § 2 st: no decision to evict on that ground until two more
# working days have passed after the recovery period ran out.
EVICTION_DECISION_WORKING_DAYS = 2

# Jordabalken 12 kap. 25 a § and 42 § 3-4 st (lag 2024:313): for disturbance and lack
# of good conduct the landlord must first tell the tenant to correct it (rättelseanmaning)
# and notify social services; neglect of the flat also needs a request to correct it
# first (12 kap. 42 § 2 st). A termination on these grounds without that is barred
# unless the matter is especially serious (särskilt allvarlig), and then social services
# gets a copy of the termination.
WARNING_GROUNDS = ("disturbance", "misconduct", "neglect")

# Jordabalken 12 kap. 42 § 1 p.: rent paid more than one week after the due date is
# ground for forfeiture. Also the default grace before a plan installment is "behind".
LATE_PAYMENT_DAYS = 7

# Repayment plans: how many missed installments make a plan "broken" (policy).
PLAN_BROKEN_AFTER_MISSED = 2

# A typo guard, not a legal limit: a plan of more than thirty years of monthly
# installments is a slip of the keyboard (an installment of 1 kr on a large debt).
PLAN_MAX_INSTALLMENTS = 360

# Children: household members under 18 on the reference date (barnkonventionen art. 1).
CHILD_AGE_LIMIT = 18

# Socialtjänstlagen / lag (2025:400) and förordning: a case file is deleted five years
# after its last entry, by the end of the following calendar year; files of people born
# on these days of the month are kept for research (SFS 2003:135 and successors).
RETENTION_YEARS = 5
RESEARCH_BIRTH_DAYS = (5, 15, 25)

# --as-of on a command that writes (a letter, a contact, a case opened or closed, a plan,
# a payment, a support, an import) dates what it records by that day, so the day must be
# one such a record can have on the real date: at most this many days ahead (a month's
# letters made before the month begins, the working day after a long weekend prepared
# the day before), and at most RETENTION_YEARS back (a record older than that is due for
# deletion at once). Policy, a typo guard: 2200-12-31 or 1900-01-01 is a slip of the
# keyboard. Commands that only read (listings, reports, --dry-run) take any day.
WRITE_AS_OF_DAYS_AHEAD = 31
WRITE_AS_OF_YEARS_BACK = RETENTION_YEARS

# Folkbokföringslagen (1991:481) 18 §: in the 10-digit form of a personnummer, '+'
# replaces '-' from the calendar year in which the person turns this age.
CENTURY_SEPARATOR_AGE = 100

# Emergency housing ("tak över huvudet"): nights granted at a time (municipal practice).
EMERGENCY_HOUSING_MAX_NIGHTS = 7

# Deadline view: supports ending, households without contact (policy).
# A monthly letter run must announce every support that ends before the next run with
# time to act, so the window is a month plus two weeks.
SUPPORT_ENDING_WARNING_DAYS = 45

# Post (postförordningen 2010:1049, since 2018): first-class letters are delivered
# within two working days (95 %). A letter meant to reach a family before a deadline is
# posted at least this many working days before it; when it cannot be, the caseworker
# phones or visits. Policy; a typo guard bounds it.
POST_WORKING_DAYS = 2
POST_WORKING_DAYS_MAX = 20
# A household that has spoken with the unit lately (a call, a meeting, a home visit) or
# has a plan is already in contact: it gets no "your landlord has told us" letter.
RECENT_CONTACT_DAYS = 30
NO_CONTACT_WARNING_DAYS = 30
# Import: a landlord's row for a person whose case closed within this many months is
# reported with that case, so the caseworker sees the history (policy, not law).
RECENTLY_CLOSED_MONTHS = 12
CONSENT_EXPIRY_WARNING_DAYS = 30
# The deadline view's window for legal deadlines (recovery, eviction) when --days is not
# given; "this week" is the band of the next seven days.
DEADLINE_VIEW_DAYS = 14
DEADLINE_THIS_WEEK_DAYS = 7
# A typo guard for --days: ten years ahead is further than any deadline is planned.
DEADLINE_VIEW_MAX_DAYS = 3653

# Rent guarantee (hyresgaranti): a typo guard for the cap in months of rent. Guarantees
# run two to three years (Boverket's grant asks for at least six months' rent over two
# years); ten years of rent is a slip of the keyboard.
RENT_GUARANTEE_MAX_MONTHS = 120

# Boverket's state grant for municipal rent guarantees asks that a guarantee cover at
# least six months' rent, run at least two years, and be for a first-hand contract
# (a tenancy with security of tenure, besittningsrätt). A guarantee that misses one is
# still recorded, with a note saying which (DOMAIN.md rule 6,
# https://www.boverket.se/sv/bidrag--garantier/sok-bidrag-for-hyresgarantier/besittningsratt-en-forutsattning/).
RENT_GUARANTEE_GRANT_MIN_MONTHS = 6
RENT_GUARANTEE_GRANT_MIN_YEARS = 2

# Kronofogden's normalbelopp (living-cost norm), kronor per month, by year: single adult,
# spouses or cohabiting partners together ("couple", KFMA 2018:1: two people living
# together in a relationship), children by age band. Only years whose figures have a
# source are built in; a municipality adds the current year in the config file
# ([normalbelopp.YYYY]). A year missing from both is never filled in silently: the hint
# says which year's amounts were used instead.
# 2023: KFMFS 2022:1 2 §. 2024: DOMAIN.md rule 13 (Kronofogden's figures for 2024).
NORMALBELOPP_KEYS = ("single", "couple", "child_0_6", "child_7_10", "child_11_14", "child_15_plus")
NORMALBELOPP: dict[int, dict[str, int]] = {
    2023: {
        "single": 5_717,
        "couple": 9_445,
        "child_0_6": 3_055,
        "child_7_10": 3_667,
        "child_11_14": 4_279,
        "child_15_plus": 4_889,
    },
    2024: {
        "single": 6_090,
        "couple": 10_061,
        "child_0_6": 3_255,
        "child_7_10": 3_906,
        "child_11_14": 4_558,
        "child_15_plus": 5_208,
    },
}

# Children who live in the home part of the time (DOMAIN.md rule 8: Kronofogden counts
# them with the parent too): the share of a child's normalbelopp the hint counts, in
# percent. A municipal setting ([policy] part_time_child_norm_percent); the default
# counts them in full, so the hint never makes a plan look more affordable than it is.
PART_TIME_CHILD_NORM_PERCENT = 100

# Case references: YYYY-NNNN; plan references: P-NNNN.
CASE_NUMBER_DIGITS = 4

# How long a passed deadline still counts as the household's "next deadline" (shown as
# overdue, sorted first) before it becomes history. Policy.
DEADLINE_OVERDUE_VISIBLE_DAYS = 14
