# `imagePullBehavior` is not a container-definition field: the provider drops it silently.
# (Fargate pulls the image on every task start anyway.)
resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name              = "web"
    image             = "public.ecr.aws/nginx/nginx:1.27"
    essential         = true
    imagePullBehavior = "ALWAYS"
    portMappings      = [{ containerPort = 80, protocol = "tcp" }]
  }])
}
