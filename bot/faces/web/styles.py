"""The page's CSS: transcript, side panels (sources, article), status line and examples.

Gradio scopes each block to its component; no data is ever placed in them. Citation
markers are filled buttons at least 1.75rem square (a thumb can hit them), quotes and
refusal reasons use the body text colour (not the light "subdued" grey), and on narrow
screens the article panel carries a "back to the answer" button. Styles only.
"""

TRANSCRIPT_CSS = """
.transcript { display: flex; flex-direction: column; gap: 0.75rem; padding: 0.25rem; }
.hint { color: var(--body-text-color-subdued); }
.msg { display: flex; flex-direction: column; }
.msg.user { align-items: flex-end; }
.msg .bubble { max-width: 92%; padding: 0.6rem 0.85rem; border-radius: 0.75rem;
  line-height: 1.6; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.user .bubble { background: var(--color-accent-soft); }
.msg.bot .bubble { background: var(--background-fill-secondary);
  border: 1px solid var(--border-color-primary); }
.msg.refusal .bubble { border: 1px dashed var(--body-text-color);
  background: transparent; }
.msg.error .bubble { border: 1px solid #b42318; background: rgba(180, 35, 24, 0.08); }
.msg.pending .bubble { opacity: 0.9; }
.cursor { animation: blink 1s steps(1) infinite; }
@keyframes blink { 50% { opacity: 0; } }
.thinking, .note { color: var(--body-text-color); }
.note { display: block; font-size: 0.9em; margin-top: 0.3rem; }
.why { font-size: 0.95em; color: var(--body-text-color); margin-top: 0.4rem; }
.meta { font-size: 0.85em; color: var(--body-text-color); margin: 0.3rem 0.4rem;
  display: flex; flex-wrap: wrap; gap: 0.3rem 0.8rem; }
.answerer { font-weight: 600; }
.partial { background: #fff4ce; color: #5c3c00; border-radius: 0.3rem; padding: 0 0.35rem; }
button.cite { font: inherit; font-size: 0.85em; font-weight: 700; line-height: 1;
  min-width: 1.75rem; min-height: 1.75rem; margin: 0 0.15em; padding: 0.2em 0.45em;
  cursor: pointer; vertical-align: baseline; border-radius: 0.4rem;
  border: 1px solid var(--color-accent); background: var(--color-accent); color: #fff; }
button.cite:hover, button.cite:focus-visible { outline: 2px solid var(--body-text-color);
  outline-offset: 1px; }
.cdate::before { content: attr(data-date); font-size: 0.8em; white-space: nowrap;
  color: var(--body-text-color); border: 1px solid var(--border-color-primary);
  border-radius: 0.3rem; padding: 0 0.3em; margin-right: 0.2em; }
del.unsupported { color: var(--body-text-color-subdued); }
details.dropped { font-size: 0.85em; margin-top: 0.4rem; }
"""

SIDE_CSS = """
h3 { margin: 0 0 0.4rem 0; font-size: 1rem; }
.hint { color: var(--body-text-color-subdued); }
.sources ol { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column;
  gap: 0.5rem; }
.source { padding: 0.5rem 0.6rem; border-radius: 0.5rem;
  border: 1px solid var(--border-color-primary); font-size: 0.95em; }
.source.active { border: 2px solid var(--color-accent); }
.source .file, .article-head .file { font-family: var(--font-mono); font-size: 0.9em; }
.source .title, .article-head .title { font-weight: 600; }
.source .quote { margin: 0.4rem 0 0 0; padding-left: 0.7rem; font-size: 1.02em;
  border-left: 4px solid var(--color-accent); color: var(--body-text-color); }
button.cite { font: inherit; font-weight: 700; cursor: pointer; min-width: 1.75rem;
  min-height: 1.75rem; border-radius: 0.4rem; border: 1px solid var(--color-accent);
  background: var(--color-accent); color: #fff; padding: 0.15em 0.45em; }
button.back { font: inherit; font-size: 0.9em; cursor: pointer; margin-bottom: 0.5rem;
  padding: 0.35rem 0.7rem; border-radius: 0.5rem; border: 1px solid var(--color-accent);
  background: var(--background-fill-primary); color: var(--body-text-color); }
.article-head { margin-bottom: 0.5rem; font-size: 0.9em; }
.article-body { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.6;
  max-height: 55vh; overflow-y: auto; padding: 0.5rem;
  border: 1px solid var(--border-color-primary); border-radius: 0.5rem; }
mark.quote { background: #ffd84d; color: #000; padding: 0.1em 0; border-radius: 0.15em;
  box-shadow: 0 0 0 2px #ffd84d; }
.elided { color: var(--body-text-color-subdued); font-style: italic; }
.error { color: #b42318; }
@media (min-width: 769px) { button.back.narrow-only { display: none; } }
"""

STATUS_CSS = """
.status { font-size: 0.95em; color: var(--body-text-color); }
.status.error { color: #b42318; }
.status.ready::before { content: "● "; color: #2f7d4a; }
.status progress { vertical-align: middle; width: 8rem; }
.status details { margin-top: 0.2rem; }
.status details li { font-family: var(--font-mono); font-size: 0.9em; }
.examples { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin-top: 0.4rem; }
.examples .label { font-size: 0.9em; color: var(--body-text-color); }
button.example { font: inherit; font-size: 0.9em; cursor: pointer; text-align: left;
  padding: 0.35rem 0.7rem; border-radius: 1rem; border: 1px solid var(--color-accent);
  background: var(--background-fill-secondary); color: var(--body-text-color); }
button.example:hover { background: var(--color-accent-soft); }
"""
