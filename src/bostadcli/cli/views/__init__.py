"""The longer screens of a noun, kept beside its commands: ``views/households.py`` is
what ``household show`` and ``household list`` draw, ``views/plans.py`` the plans'."""
