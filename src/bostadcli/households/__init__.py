"""Households at risk of eviction (and homeless people asking for a home): the case.

A household is named by its case reference ``YYYY-NNNN``, allocated inside the
transaction that creates it and never reused.

The modules of the package, by step: ``case`` (what a case is), ``opening``,
``members``, ``listing``, ``editing`` and ``closing``. Import from the package.
"""

from bostadcli.households.case import (
    CONTACT_DETAILS,
    HOUSEHOLD_FIGURES,
    TENANT_JOIN,
    ChildSpec,
    NewHousehold,
    allocate_ref,
    child_cutoff,
    figure_params,
    household_id,
    other_open_cases,
    parse_child,
    tenant_of,
    tenant_sql,
)
from bostadcli.households.closing import (
    Running,
    RunningOnClose,
    close_household,
    reopen_household,
    running_items,
)
from bostadcli.households.editing import EDITABLE, edit_household
from bostadcli.households.listing import (
    iter_households,
    list_households,
    list_members,
    show_household,
)
from bostadcli.households.members import (
    add_member,
    century_problems,
    fix_member_century,
    remove_member,
)
from bostadcli.households.opening import add_household

__all__ = [
    "CONTACT_DETAILS",
    "EDITABLE",
    "HOUSEHOLD_FIGURES",
    "TENANT_JOIN",
    "ChildSpec",
    "NewHousehold",
    "Running",
    "RunningOnClose",
    "add_household",
    "add_member",
    "allocate_ref",
    "century_problems",
    "child_cutoff",
    "close_household",
    "edit_household",
    "figure_params",
    "fix_member_century",
    "household_id",
    "iter_households",
    "list_households",
    "list_members",
    "other_open_cases",
    "parse_child",
    "remove_member",
    "reopen_household",
    "running_items",
    "show_household",
    "tenant_of",
    "tenant_sql",
]
