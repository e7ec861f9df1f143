# Two VPCs. `main`: the usual design, a public subnet routed to the internet gateway and private
# task subnets without a default route: private on purpose, not this case. `orphan`: an internet
# gateway no route table routes to, and task subnets without a default route: meant to be public.

variable "debug" {
  type = bool
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc" "orphan" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_internet_gateway" "orphan" {
  vpc_id = aws_vpc.orphan.id
}

resource "aws_subnet" "orphan" {
  vpc_id     = aws_vpc.orphan.id
  cidr_block = "10.1.0.0/24"
}

resource "aws_route_table" "orphan" {
  vpc_id = aws_vpc.orphan.id
}

resource "aws_route_table_association" "orphan" {
  subnet_id      = aws_subnet.orphan.id
  route_table_id = aws_route_table.orphan.id
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:1.27"
  }])
}

resource "aws_ecs_service" "private" {
  name            = "private"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.private.id]
  }
}

# Same subnets, but a public IP is asked for: meant to be public.
resource "aws_ecs_service" "private_with_ip" {
  name            = "private-with-ip"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = [aws_subnet.private.id]
    assign_public_ip = true
  }
}

# The public IP depends on a variable without a value: not known.
resource "aws_ecs_service" "private_maybe_ip" {
  name            = "private-maybe-ip"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = [aws_subnet.private.id]
    assign_public_ip = var.debug
  }
}

resource "aws_ecs_service" "public" {
  name            = "public"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = [aws_subnet.public.id]
    assign_public_ip = true
  }
}

resource "aws_ecs_service" "orphan" {
  name            = "orphan"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.orphan.id]
  }
}
