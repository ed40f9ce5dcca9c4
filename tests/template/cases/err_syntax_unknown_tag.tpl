{% frobnicate results %}
