# An index tensor after whole axes selects along its own axis (`t[:, idx]`, and the form TF -> PyTorch writes for
# tf.gather(t, idx, axis=k)): tf.gather / tf.boolean_mask with axis=. Gradients add up over repeated indices.
import torch

t = torch.arange(24.0).reshape(2, 3, 4).requires_grad_()
cols = torch.tensor([2, 0, 2])
picked = t[:, cols]
deep = t[:, :, torch.tensor([[3, 1], [0, 0]])]
masked = t[:, torch.tensor([True, False, True])]
one = t[:, torch.tensor(1)]
gathered = t[(slice(None),) * (2 % t.dim()) + (torch.as_tensor([1, 1, 3]),)]
total = (picked * picked).sum() + deep.sum() + masked.sum() * 2.0 + one.sum() + gathered.sum()
total.backward()
t_grad = t.grad
