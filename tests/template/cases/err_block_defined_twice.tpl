{% block a %}1{% endblock %}{% block a %}2{% endblock %}
