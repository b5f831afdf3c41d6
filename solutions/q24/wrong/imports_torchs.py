# expect: failed | write the batching, collating and shuffling yourself
from torch.utils.data import DataLoader
