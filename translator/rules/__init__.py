"""The rules, one small class each, in the order the engine runs their hooks for a node."""
from __future__ import annotations


def rules_for(origin: str, to: str, ctx) -> list:
    if (origin, to) == ("tf", "torch"):
        from .ops import OpsRule
        from .tf_custom_gradient import TfCustomGradientRule
        from .tf_data import TfDataRule
        from .tf_forwardprop import TfForwardAccumulatorRule
        from .tf_function import TfFunctionRule
        from .tf_keras import OptimizerVariablesRule, TfKerasRule
        from .tf_keras_functional import TfKerasFunctionalRule
        from .tf_literals import TfForeignOperandRule
        from .tf_module import TfModuleRule
        from .tf_numpy_calls import TfNumpyCallRule
        from .tf_optimizers import TfOptimizerRule
        from .tf_print import TfPrintRule
        from .tf_tape import TfTapeRule
        from .tf_torch_func_helpers import TfTorchFuncHelpersRule
        from .tf_torch_helpers import TfTorchHelpersRule
        from .tf_variables import TfVariableRule

        # TfKerasRule before TfModuleRule: a Keras object's variable list is in Keras' order, not tf.Module's.
        # OptimizerVariablesRule after TfOptimizerRule: it completes the optimizers that rule builds.
        # TfTorchHelpersRule and TfTorchFuncHelpersRule first: they bring back whole forms (`p.assign(<an init's TF
        # form>)`, helper definitions) other rules would translate piecewise.
        keras = TfKerasRule(ctx)
        return [TfTorchHelpersRule(ctx), TfTorchFuncHelpersRule(ctx), TfFunctionRule(ctx), TfTapeRule(ctx),
                TfForwardAccumulatorRule(ctx), TfVariableRule(ctx), keras, TfKerasFunctionalRule(ctx, keras),
                TfModuleRule(ctx), TfOptimizerRule(ctx), OptimizerVariablesRule(ctx), TfCustomGradientRule(ctx),
                TfForeignOperandRule(ctx), TfNumpyCallRule(ctx), TfDataRule(ctx), TfPrintRule(ctx), OpsRule(ctx)]
    if (origin, to) == ("torch", "tf"):
        from .ops import OpsRule
        from .torch_autograd import torch_rules

        return [*torch_rules(ctx), OpsRule(ctx)]
    raise ValueError(f"no rules from {origin} to {to}")
