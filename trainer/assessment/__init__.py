"""The teams' annual 100-point self-assessment (年度考核自查, ``001 篇1 第二则.四``).

The 供电所's standard is a content file (``courses/assessment/<id>.yaml``); each 班组's 班组长 fills it,
submits it to the 供电所 by the report date, and the 供电所 returns or accepts it. ``rules``, ``dates``
and ``sheet`` are the pure core (no Flask, no database, the clock passed in); ``services`` stores reports.
"""
