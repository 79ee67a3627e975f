-- Each stored prediction keeps its row's values of the evaluation's sensitive columns
-- ({"sex": "F", …}), so predictions can be browsed group by group.
ALTER TABLE predictions ADD COLUMN groups_json TEXT;
