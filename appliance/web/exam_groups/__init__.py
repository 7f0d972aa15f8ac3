"""«Теория» and «Практика» of the ЦОК and venue cabinets: exam groups, admission, the order, the start."""
