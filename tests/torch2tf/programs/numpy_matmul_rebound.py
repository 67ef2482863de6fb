"""`@` between NumPy arrays whose names are later rebound to tensors (patrickloeber's logistic regression: NumPy data
first, then `X = torch.from_numpy(X)`), drawn from a NumPy generator (`rng.randn`): the binding that reaches the
use decides. Kept as NumPy's `@` (an array with `.astype`); the tensors' `@` after the rebinding is torch.matmul."""
import numpy as np
import torch

rng = np.random.RandomState(0)
X = rng.randn(6, 3)
w = rng.randn(3)
y = (X @ w > 0).astype(np.int64)
gen = np.random.default_rng(1)
v = gen.normal(size=3)
score = (X @ v).astype(np.float32)
X = torch.from_numpy(X.astype(np.float32))
y = torch.from_numpy(y.astype(np.float32))
coef = torch.zeros(3, requires_grad=True)
for step in range(3):
    p = torch.sigmoid(X @ coef)
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    loss.backward()
    with torch.no_grad():
        coef -= 0.1 * coef.grad
        coef.grad.zero_()
total = X.sum() + y.sum()
