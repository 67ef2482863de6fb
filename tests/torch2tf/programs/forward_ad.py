"""Forward-mode AD with dual tensors (torch.autograd.forward_ad): one and two duals, a dual of a leaf that requires
grad, an output the duals do not reach, `primal, tangent = unpack_dual(...)`, and a tangent read after the dual
level has ended (None)."""
import torch
import torch.autograd.forward_ad as fwAD


def energy(q, p):
    return (q ** 2).sum() / 2 + (p.sin() * q).sum()


q0 = torch.tensor([0.5, -1.0, 2.0])
direction = torch.tensor([1.0, 0.0, -0.5])
with fwAD.dual_level():
    q_dual = fwAD.make_dual(q0, direction)
    e = energy(q_dual, torch.ones(3))
    de = fwAD.unpack_dual(e).tangent
    unrelated = torch.ones(3) * 4.0
    no_tangent = fwAD.unpack_dual(unrelated).tangent
    squared = e * e
    e_value, e_tangent = fwAD.unpack_dual(squared)
ended = fwAD.unpack_dual(e).tangent
ended_is_none = ended is None

p0 = torch.tensor([0.3, 0.2, -0.1])
with fwAD.dual_level():
    a = fwAD.make_dual(q0, torch.tensor([0.0, 1.0, 0.0]))
    b = fwAD.make_dual(p0, torch.tensor([2.0, 0.0, 1.0]))
    both = fwAD.unpack_dual(energy(a, b)).tangent
    primal_again = fwAD.unpack_dual(energy(a, b)).primal

w = torch.tensor([1.5, -0.5], requires_grad=True)
with fwAD.dual_level():
    w_dual = fwAD.make_dual(w, torch.tensor([1.0, 1.0]))
    loss = (w_dual ** 3).sum()
    dloss = fwAD.unpack_dual(loss).tangent
loss.backward()
w_grad = w.grad
