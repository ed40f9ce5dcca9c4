{{ results|tojson }}
