{% include '../oracle.py' %}
