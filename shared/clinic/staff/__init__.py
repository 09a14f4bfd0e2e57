"""The clinic's back office: what staff may see and do with registrations.

- :mod:`access` — who the caller is (from the Cognito authorizer's claims) and which
  branches they may see;
- :mod:`transitions` — the registration state machine;
- :mod:`cursor` — opaque, signed list cursors bound to the list's filters;
- :mod:`export` — the CSV a branch downloads;
- :mod:`models` — the staff routes' request and answer bodies;
- :mod:`audit` — the audit trail of every staff read and change of personal data;
- :mod:`store` — registrations as staff read and change them (DynamoDB).
"""
