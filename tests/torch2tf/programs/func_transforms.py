"""torch.func transforms: grad (several argnums, an argument the output does not use, has_aux), grad_and_value,
vjp with its function called once and under vmap, jvp, jacrev/jacfwd over one and two arguments, hessian, and
compositions: forward over reverse (a Hessian-vector product), vmap of grad (per-example gradients), jacrev of
jacrev."""
import torch
from torch.func import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp, vmap


def energy(x, y):
    return (x ** 2).sum() + (x * y).sum().sin()


x = torch.tensor([1.0, 2.0])
y = torch.tensor([3.0, -1.0])
dx = grad(energy)(x, y)
dx_dy = grad(energy, argnums=(0, 1))(x, y)
dy_and_value = grad_and_value(energy, argnums=1)(x, y)
unused = grad(lambda a, b: (a ** 2).sum(), argnums=1)(x, y)
with_aux = grad(lambda a: ((a ** 3).sum(), a.exp()), has_aux=True)(x)

out, vjp_fn = vjp(lambda a: a.sin() * 2, x)
product, = vjp_fn(torch.ones(2))
rows = vmap(vjp_fn)(torch.eye(2))
primal_out, tangent_out = jvp(lambda a, b: a * b, (x, y), (torch.ones(2), torch.zeros(2)))

jac = jacrev(lambda a: a.sin() * a.sum())(x)
jac_forward = jacfwd(lambda a: a.sin() * a.sum())(x)
jac_both = jacrev(energy, argnums=(0, 1))(x, y)
hess = hessian(lambda a: (a ** 3).sum() * a[0])(x)
hvp = jvp(grad(lambda a: a.sin().sum()), (x,), (y,))[1]
batched = vmap(lambda a, b: (a * b).sum(), in_dims=(0, None))(torch.ones(3, 2), y)
per_example = vmap(grad(lambda w, v: (w * v).sum() ** 2), in_dims=(None, 0))(x, torch.eye(2))
revrev = jacrev(jacrev(lambda a: (a ** 3).sum()))(x)
same = torch.allclose(jac, jac_forward)
