# Terraform-specific shapes: inline and standalone routes, the managed main route table, a
# NAT gateway, security groups without egress (Terraform removes AWS's default rule) and with a
# standalone egress rule, endpoint associations and the private-DNS override, a data-source subnet.

variable "region" {
  default = "eu-west-1"
}

provider "aws" {
  region = var.region
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "eu-west-1a"
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

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}

resource "aws_subnet" "behind_nat" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_route_table" "behind_nat" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "behind_nat_default" {
  route_table_id         = aws_route_table.behind_nat.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main.id
}

resource "aws_route_table_association" "behind_nat" {
  subnet_id      = aws_subnet.behind_nat.id
  route_table_id = aws_route_table.behind_nat.id
}

# No association: the VPC's main route table, managed here without routes.
resource "aws_subnet" "isolated" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}

resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.main.default_route_table_id
}

data "aws_subnet" "shared" {
  id = "subnet-0123456789abcdef0"
}

resource "aws_security_group" "no_egress" {
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "standalone_egress" {
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.standalone_egress.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "endpoints" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.standalone_egress.id]
  }
}

resource "aws_vpc_endpoint" "ecr_dkr" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.ecr.dkr"
  vpc_endpoint_type = "Interface"
}

resource "aws_vpc_endpoint_subnet_association" "ecr_dkr" {
  vpc_endpoint_id = aws_vpc_endpoint.ecr_dkr.id
  subnet_id       = aws_subnet.isolated.id
}

resource "aws_vpc_endpoint_security_group_association" "ecr_dkr" {
  vpc_endpoint_id   = aws_vpc_endpoint.ecr_dkr.id
  security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_endpoint_private_dns" "ecr_dkr" {
  vpc_endpoint_id     = aws_vpc_endpoint.ecr_dkr.id
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.${var.region}.s3"
}

resource "aws_vpc_endpoint_route_table_association" "s3" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  route_table_id  = aws_default_route_table.main.id
}

resource "aws_ecs_service" "public" {
  name        = "public"
  launch_type = "FARGATE"
  network_configuration {
    subnets          = [aws_subnet.public.id]
    security_groups  = [aws_security_group.no_egress.id]
    assign_public_ip = true
  }
}

resource "aws_ecs_service" "behind_nat" {
  name        = "behind-nat"
  launch_type = "FARGATE"
  network_configuration {
    subnets         = [aws_subnet.behind_nat.id]
    security_groups = [aws_security_group.standalone_egress.id]
  }
}

resource "aws_ecs_service" "isolated" {
  name        = "isolated"
  launch_type = "FARGATE"
  network_configuration {
    subnets         = [aws_subnet.isolated.id]
    security_groups = [aws_security_group.standalone_egress.id]
  }
}

resource "aws_ecs_service" "shared" {
  name        = "shared"
  launch_type = "FARGATE"
  network_configuration {
    subnets = [data.aws_subnet.shared.id]
  }
}

# Service names through a data source, and with only the suffix known.
data "aws_vpc_endpoint_service" "logs" {
  service = "logs"
}

resource "aws_vpc_endpoint" "logs" {
  vpc_id              = aws_vpc.main.id
  service_name        = data.aws_vpc_endpoint_service.logs.service_name
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.isolated.id]
}

variable "service_prefix" {
  type = string
}

resource "aws_vpc_endpoint" "secrets" {
  vpc_id            = aws_vpc.main.id
  service_name      = "${var.service_prefix}.secretsmanager"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.isolated.id]
}
