"""Index writes of real programs (Robert Guthrie's bag-of-words classifier, a Hessian test): an index read from a
dict, `vec[word_to_ix[word]] += 1`, the dict filled in nested loops, `x[i][j] = v` into a leaf under no_grad, and
`next(model.parameters())`, which is a generator in torch and a list's iterator in the translation."""
import torch
import torch.nn as nn

data = [("me gusta comer".split(), 0), ("give it to me".split(), 1)]
word_to_ix = {}
for sent, _ in data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)


def make_bow_vector(sentence, word_to_ix):
    vec = torch.zeros(len(word_to_ix))
    for word in sentence:
        vec[word_to_ix[word]] += 1
    return vec.view(1, -1)


bow = make_bow_vector("me gusta me".split(), word_to_ix)
grid = torch.zeros(2, 3)
grid[0][1] = 5.0
grid[1][grid[1] >= 0] = 2.0

x = torch.randn(3, 4).requires_grad_(True)
for i in range(3):
    for j in range(4):
        with torch.no_grad():
            x[i][j] = i + j
with torch.no_grad():
    x[0] += 1.0
y = x ** 2
weight = torch.tensor([[1., 1., 0., 0.], [1., 1., 1., 1.], [1., 1., 1., 1.]])
dydx = torch.autograd.grad(outputs=y, inputs=x, grad_outputs=weight, create_graph=True)
d2ydx2 = torch.autograd.grad(outputs=dydx[0], inputs=x, grad_outputs=weight)


class BoW(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(len(word_to_ix), 2)

    def forward(self, v):
        return self.linear(v)


model = BoW()
first = next(model.parameters())
creo = next(model.parameters())[:, word_to_ix["gusta"]]
out = model(bow).sum()
out.backward()
g = model.linear.weight.grad

# a float64 tensor keeps the double a literal writes (tf.cast would round 0.1 to float32 first)
d = torch.zeros(3, dtype=torch.float64)
d[0] = 0.1
d[d < 0.05] = -0.3
residual = (d - torch.tensor([0.1, -0.3, -0.3], dtype=torch.float64)) * 1e10
