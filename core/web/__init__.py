"""The web layer both web apps share — the appliance\x27s and the central registry\x27s: request pipeline
(session, CSRF, database), Russian rendering and error pages, sign-in, cabinets and their menus, staff."""
