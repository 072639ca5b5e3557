"""Administration: users, arbitrator conflicts, the business calendar (views), merchants' policies and fee
schedules (merchants), the platform API's clients (api_clients). The first two share the blueprint below."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
