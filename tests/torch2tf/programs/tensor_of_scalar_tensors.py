# torch.tensor takes the values of a list of 0-d tensors (a constant: no gradient flows back into them); TF's
# tf.constant refuses tensors: tf.stop_gradient(tf.convert_to_tensor(...)).
import torch

w = torch.tensor(2.0, requires_grad=True)
vals = [[w * 0.5 + 1.0], [w * 1.5]]
t = torch.tensor(vals, dtype=torch.float32)
pair = torch.tensor([w * 3.0, w - 1.0])
loss = (pair * w).sum() + t.sum()
loss.backward()
g = w.grad
