"""gunicorn entry point: gunicorn wsgi:app"""

from stopheling.app import create_app

app = create_app()
