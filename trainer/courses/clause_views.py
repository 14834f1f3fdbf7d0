"""``/clauses?ref=000 §4.4.1``: what a cited clause says (its opening words from the clause index), where it sits
in its document, the clauses under it, and the modules that cite it (issue 16: the 出处 of every citation)."""

from flask import abort, current_app, render_template, request
from flask_login import login_required

from trainer.content.clause_text import clause_page, describe, split_sources
from trainer.content.seeds import seeds_folder
from trainer.courses import services
from trainer.courses.views import bp


@bp.route("/clauses")
@login_required
def clause():
    page = clause_page(request.args.get("ref", ""), seeds_folder(current_app.config.get("SEEDS_DIR")))
    if page is None:
        abort(404)
    same = (page.ref.doc, page.ref.part, page.ref.clause)
    citing = [m for c in services.active_courses() for m in c.active_modules
              if any((r.doc, r.part, r.clause) == same for r in map(describe, split_sources(m.sources)))]
    return render_template("courses/clause.html", page=page, modules=citing)
