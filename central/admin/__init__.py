"""Logic of the СПК cabinet's reference pages: ЦОК and venues, experts, qualifications and
КОС publishing, the СПК's profile and deadlines.

Every function takes the СПК (`Organisation` of kind spk) it acts for and refuses any row of
another СПК with `NotFoundError`; every change bumps the reference revision so appliances pull it.
`web` holds what the four page modules in central/web share (guard, pager, upload reader).
"""
