"""The IPython extension: %translate / %%translate and %%twin, in any IPython shell or Jupyter kernel.

    %load_ext twingrad
    %config TwingradMagics.style = "autograd"     # defaults are traitlets, settable with %config
"""
from __future__ import annotations

import html

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display
from traitlets import Bool, Enum, Float, Int

from . import report
from .cells import Session
from .runner import DEFAULT_TIMEOUT, other, run_twin

FRAMEWORK_CHOICES = ["torch", "tf"]
STYLE_CHOICES = ["backward", "autograd"]


def _strip_cell_magic(source: str) -> str:
    """A history entry without its leading %%magic line (its imports still count)."""
    return source.split("\n", 1)[1] if source.startswith("%%") and "\n" in source else source


@magics_class
class TwingradMagics(Magics):
    """Translate cells between TensorFlow and PyTorch, and run both versions side by side."""

    to = Enum(FRAMEWORK_CHOICES, default_value=None, allow_none=True,
              help="Target framework; None translates to the framework the code is not written in.").tag(config=True)
    style = Enum(STYLE_CHOICES, default_value="backward",
                 help="PyTorch gradient style: x.backward() + .grad, or torch.autograd.grad.").tag(config=True)
    into_next_cell = Bool(False, help="%translate puts the translation into a new cell below.").tag(config=True)
    seed = Int(0, help="%%twin: seed of the random draws both worlds share.").tag(config=True)
    rtol = Float(1e-5, help="%%twin: relative tolerance of the comparison.").tag(config=True)
    atol = Float(1e-6, help="%%twin: absolute tolerance of the comparison.").tag(config=True)
    timeout = Float(DEFAULT_TIMEOUT, help="%%twin: seconds each world may run.").tag(config=True)

    def _history(self) -> list[str]:
        """Raw inputs of this session; [0] is empty, the last one is the cell running now."""
        return self.shell.history_manager.input_hist_raw

    def _session(self) -> Session:
        """The framework imports of the earlier cells, so a cell without imports is understood."""
        session = Session()
        for source in self._history()[:-1]:
            session.record(_strip_cell_magic(source))
        return session

    def _earlier_cell(self, ref: str | None) -> tuple[str, str]:
        history = self._history()
        if ref is None:
            if len(history) < 3:
                raise UsageError("%translate: there is no previous cell to translate")
            return history[-2], f"<cell {len(history) - 2}>"
        if ref.isdigit():
            number = int(ref)
            if not 1 <= number < len(history) - 1:
                raise UsageError(f"%translate: there is no earlier cell {number} "
                                 f"(this session's earlier cells are 1 to {len(history) - 2})")
            return history[number], f"<cell {number}>"
        value = self.shell.user_ns.get(ref)
        if not isinstance(value, str):
            raise UsageError(f"%translate: {ref!r} is neither a cell number nor a variable holding code")
        return value, f"<{ref}>"

    def _translate(self, session: Session, source: str, path: str, to: str | None, style: str):
        from twingrad.translator import TranslationInputError

        if not source.strip():
            raise UsageError(f"{path}: nothing to translate, the cell is empty")
        try:
            return session.translate(source, path, style=style, source_framework=other(to) if to else None)
        except TranslationInputError as err:
            raise UsageError(str(err)) from None

    @magic_arguments()
    @argument("--to", choices=FRAMEWORK_CHOICES, default=None,
              help="target framework (default: TwingradMagics.to, else the other framework)")
    @argument("--style", choices=STYLE_CHOICES, default=None, help="PyTorch gradient style (default: TwingradMagics.style)")
    @argument("--next", action="store_true", dest="into_next",
              help="also put the translation into a new cell below (where the front-end supports it)")
    @argument("cell", nargs="?", default=None,
              help="line magic only: an earlier cell by number (In[N]) or a variable holding code; "
                   "default: the previous cell")
    @line_cell_magic
    def translate(self, line, cell=None):
        """Show the TensorFlow <-> PyTorch translation of a cell, with the translator's diagnostics.

        %%translate translates the cell's own body; %translate translates an earlier cell (the previous
        one by default). The framework is detected from the code and the session's earlier imports.
        """
        args = parse_argstring(self.translate, line)
        if cell is not None and args.cell is not None:
            raise UsageError("%%translate translates its own cell: drop the argument "
                             f"{args.cell!r}, or use the line magic %translate {args.cell}")
        source, path = (cell, "<%%translate cell>") if cell is not None else self._earlier_cell(args.cell)
        origin, translation, error = self._translate(self._session(), source, path, args.to or self.to,
                                                     args.style or self.style)
        if translation is None:
            raise UsageError(error)
        diagnostics = [d.format() for d in translation.diagnostics]
        target = report.NAMES[translation.target_framework]
        heading = (f"{report.NAMES[origin]} -> {target}" if origin else "no framework code found: unchanged")
        text = "\n".join([f"# twingrad: {heading}", translation.code.rstrip(), *diagnostics])
        items = "".join(f"<li><code>{html.escape(d)}</code></li>" for d in diagnostics)
        rich = (f"<div class='twingrad-translation'><p><b>twingrad</b>: {html.escape(heading)}</p>"
                f"{report.highlight_html(translation.code)}{f'<ul>{items}</ul>' if items else ''}</div>")
        display({"text/plain": text, "text/html": rich}, raw=True)
        if args.into_next or self.into_next_cell:
            self.shell.set_next_input(translation.code, replace=False)

    @magic_arguments()
    @argument("--seed", type=int, default=None, help="seed of the shared random draws (default: TwingradMagics.seed)")
    @argument("--rtol", type=float, default=None, help="relative tolerance (default: TwingradMagics.rtol)")
    @argument("--atol", type=float, default=None, help="absolute tolerance (default: TwingradMagics.atol)")
    @argument("--style", choices=STYLE_CHOICES, default=None, help="PyTorch gradient style (default: TwingradMagics.style)")
    @argument("--timeout", type=float, default=None, help="seconds each world may run (default: TwingradMagics.timeout)")
    @cell_magic
    def twin(self, line, cell):
        """Run the cell and its translation, each in a fresh world of its framework, and compare the values.

        Both worlds get the session's earlier framework imports and identical random draws; earlier
        variables are not visible (use the twingrad kernel for a whole notebook run twice). Shows, for
        every gradient and named tensor, both values, shapes, differences and a match mark.
        """
        args = parse_argstring(self.twin, line)
        session = self._session()
        origin, translation, error = self._translate(session, cell, "<%%twin cell>", None, args.style or self.style)
        prelude = session.prelude(origin)
        source = f"{prelude}\n{cell}" if prelude else cell
        twin = run_twin(origin, source, "<%%twin cell>", translation, error,
                        seed=self.seed if args.seed is None else args.seed,
                        timeout=args.timeout or self.timeout,
                        rtol=self.rtol if args.rtol is None else args.rtol,
                        atol=self.atol if args.atol is None else args.atol)
        display(report.bundle(twin), raw=True)


def load(shell) -> None:
    shell.register_magics(TwingradMagics)


def unload(shell) -> None:
    magics = shell.magics_manager.registry.pop("TwingradMagics", None)
    if magics is not None:
        for kind, names in (("line", ["translate"]), ("cell", ["translate", "twin"])):
            for name in names:
                shell.magics_manager.magics[kind].pop(name, None)
