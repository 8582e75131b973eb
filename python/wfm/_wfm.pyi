"""Type stubs of the native module (python/src/lib.rs). Use the functions of `wfm` instead."""

from typing import List, Optional, Sequence, Tuple

# One column: (name, kind, payload[, validity mask]); kind f = float64 LE bytes, t = int64 ns
# since the epoch LE bytes, s = list of str | None, i = int64 LE bytes + a uint8 mask.
Column = tuple
Columns = List[Column]

__version__: str
POLICY_KEYS: List[str]

class WfmError(ValueError): ...

def forecast(history: Columns, *, calendar: Optional[Columns] = None, model: str = "auto",
             start: Optional[str] = None, horizon: str = "14d", inner_origins: int = 8,
             threads: Optional[int] = None, day_start: str = "midnight-unless-busy") -> Columns: ...
def backtest(history: Columns, *, origins: Sequence[str], calendar: Optional[Columns] = None,
             model: Sequence[str] = ..., horizon: str = "7d", inner_origins: int = 8,
             threads: Optional[int] = None, day_start: str = "midnight-unless-busy") -> Tuple[Columns, Columns]: ...
def staff(input: Columns, *, policy: dict, evaluate: bool = False, agents_column: str = "agents",
          threads: Optional[int] = None) -> Tuple[Columns, Columns]: ...
def scenario(input: Columns, *, scenarios: str, policy: dict,
             threads: Optional[int] = None) -> Columns: ...
