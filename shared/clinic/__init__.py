"""Domain package shared by the clinic's Lambda functions.

Pydantic models, business rules, the bilingual knowledge base (as data files under
``content/``) and the DynamoDB repositories behind small interfaces.
"""
