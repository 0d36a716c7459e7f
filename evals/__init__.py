"""Citation evals: hand-labelled cases, an independent judge, metrics and reports.

``bot eval`` (``evals/cli.py``, a plugin command of the ``bot`` CLI) is the front end. The pieces:

* ``evals.cases``   load and validate the JSONL cases (format: ``evals/cases/README.md``);
* ``evals.judge``   named evaluators grading one ``Answer`` against one case (never the
  bot's own verifier: nothing in ``evals.judge``, ``evals.seen`` or ``evals.support``
  imports the bot);
* ``evals.seen``    the answer as the judge sees it: its citations, statements and files;
* ``evals.support`` whether cited passages support a statement (gold overlap or an LLM),
  and ALCE's citation recall and precision;
* ``evals.metrics`` aggregation per kind and overall, bootstrap 95% CIs, thresholds;
* ``evals.report``  ``report.json``, ``summary.md`` and ``metrics.png``;
* ``evals.runner``  index each corpus, ask every case through ``bot.Bot``, grade, report.
"""

from evals.cases import Case, CaseError, load_cases
from evals.runner import EvalConfig, run

__all__ = ["Case", "CaseError", "EvalConfig", "load_cases", "run"]
