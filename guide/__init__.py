"""The Onboarding Guide's domain core: plans, steps, journeys, stalls, actions, audit, undo.

Plain Python on plain data. Nothing in this package imports gspread, boto3, slack or openpyxl;
it talks to the outside world only through the ports in ``guide.ports``.
"""
