{% block body required %}{% endblock %}
