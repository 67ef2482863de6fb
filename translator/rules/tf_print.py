"""`tf.print(...)` -> `print(..., file=sys.stderr)`.

tf.print writes to stderr unless given `output_stream=`; it prints at every call, in a tf.function too (which
PyTorch runs eagerly: a print there runs at every call as well). `sep=` and `end=` are print's; `name=` is dropped.
A tensor prints as torch's repr there (`tensor([1.5000, 2.0000])`), TF prints its values bare (`[1.5 2]`): the
numbers printed are the same, in other digits. Codes: TG202 (error) an `output_stream=` other than sys.stderr /
sys.stdout (a file URL, a logging function), `summarize=` (TF elides tensors its own way).
"""
from __future__ import annotations

import libcst as cst

STREAMS = ("sys.stderr", "sys.stdout")
KEPT = ("sep", "end")


class TfPrintRule:
    def __init__(self, ctx):
        self.ctx = ctx

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.qualname(original.func) != "tensorflow.print":
            return updated
        self.ctx.consume(original.func)
        stream = None
        args = []
        for before, arg in zip(original.args, updated.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword is None or keyword in KEPT:
                args.append(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT))
            elif keyword == "output_stream" and self.ctx.qualname(before.value) in STREAMS:
                stream = arg.value
            elif keyword != "name":
                self.ctx.report(original, "TG202", f"tf.print({keyword}=...) has no print() counterpart here "
                                "(print writes to sys.stderr or sys.stdout, whole tensors); left as is")
                return updated
        file = cst.Arg(stream or self.ctx.ref("sys.stderr"), keyword=cst.Name("file"), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
        return cst.Call(func=cst.Name("print"), args=[*args, file])
